// Running the images built by `make images` with podman, as a cluster would run them: read-only
// root filesystem, /tmp as a tmpfs, the image's own user and command. podman always runs through
// scripts/containers/env.sh, which points it at the project's containers.conf (runc, cgroupfs,
// ulimits this machine allows).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { repoRoot, waitFor } from '@shopwatch/testkit';

/** The tag `make images` gives every image (scripts/images/build.sh). */
export const IMAGE_TAG = process.env['SHOPWATCH_IMAGE_TAG'] ?? 'dev';

export const imageName = (name: string) => `localhost/shopwatch/${name}:${IMAGE_TAG}`;

const ENV_SCRIPT = 'scripts/containers/env.sh';
/** bash sources env.sh, then execs podman with the arguments that follow. */
const podmanCommand = (args: string[]) => ['-c', `. ${ENV_SCRIPT} && exec podman "$@"`, 'podman', ...args];

export interface PodmanResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `podman <args>`; never throws for a non-zero exit (callers judge the code). */
export function podman(args: string[], timeoutMs = 120_000): Promise<PodmanResult> {
  return new Promise((resolve, reject) => {
    execFile('bash', podmanCommand(args), { cwd: repoRoot(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      // A non-zero exit is an answer; not starting, or the timeout's kill, is an error.
      if (error && typeof error.code !== 'number') reject(new Error(`podman ${args.join(' ')}: ${error.message}`));
      else resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

export interface RunningContainer {
  name: string;
  image: string;
  url: string;
  /** What the container wrote to stdout and stderr so far. */
  output: () => string;
  /** The exit code of `podman run` (the container's own exit code). */
  exited: Promise<number | null>;
  child: ChildProcess;
}

export interface RunOptions {
  /** Service name, e.g. `catalog` (the image is localhost/shopwatch/<service>:<tag>). */
  service: string;
  /** Unique container name. */
  name: string;
  /** The loopback port the process listens on (host network). */
  port: number;
  env: Record<string, string>;
  /** Files to bind-mount read-only: host path → container path. */
  mounts?: Record<string, string>;
}

/**
 * `podman run --rm --read-only --tmpfs /tmp --network host` of the image with its own user and
 * command; resolves once /readyz answers 200 (generous deadline: two shared cores).
 */
export async function runImage(options: RunOptions): Promise<RunningContainer> {
  const image = imageName(options.service);
  const args = ['run', '--rm', '--name', options.name, '--read-only', '--tmpfs', '/tmp', '--network', 'host'];
  for (const [key, value] of Object.entries(options.env)) args.push('--env', `${key}=${value}`);
  for (const [from, to] of Object.entries(options.mounts ?? {})) args.push('--volume', `${from}:${to}:ro`);
  args.push(image);
  let output = '';
  const child = spawn('bash', podmanCommand(args), { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${options.port}`;
  const container: RunningContainer = { name: options.name, image, url, output: () => output, exited, child };
  await waitFor(
    `${image} ready on ${url}/readyz`,
    async () => {
      if (child.exitCode !== null) throw new Error(`container exited with ${child.exitCode}: ${output.slice(-2000)}`);
      return (await httpGet(`${url}/readyz`)).status === 200;
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
  return container;
}

/** Removes the container if it is still there (after a failed test); quiet when it is gone. */
export async function removeContainer(name: string): Promise<void> {
  await podman(['rm', '--force', '--time', '5', name]);
}

export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The uids (real, effective, saved, filesystem) of a host process, from /proc. */
export function processUids(pid: number): number[] {
  const status = readFileSync(path.join('/proc', String(pid), 'status'), 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('Uid:'));
  if (!line) throw new Error(`no Uid line for pid ${pid}`);
  return line.split(/\s+/).slice(1).filter(Boolean).map(Number);
}
