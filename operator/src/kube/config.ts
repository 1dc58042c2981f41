// Where the API server is and how to authenticate: a kubeconfig file (explicit path, KUBECONFIG,
// ~/.kube/config) or, inside a pod, the service account. Handles what operators and local
// clusters use — CA, client certificates, bearer tokens (inline or from a file that is re-read,
// as projected service-account tokens rotate), basic auth, insecure-skip-tls-verify.
// Kubeconfigs that need an exec or auth-provider plugin (cloud CLIs) are handed to
// @kubernetes/client-node, loaded only then: importing it costs ~85 MB of resident memory for its
// generated API models, more than the whole operator needs otherwise.
import { existsSync, readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
  rejectUnauthorized?: boolean;
}

export interface Connection {
  server: URL;
  tls: TlsOptions;
  /** Authorization (and similar) headers; may change over time (rotating tokens). */
  headers(): Promise<Record<string, string>>;
  /** Where the settings came from, for logs. */
  source: string;
}

interface NamedCluster {
  name: string;
  cluster: {
    server: string;
    'certificate-authority'?: string;
    'certificate-authority-data'?: string;
    'insecure-skip-tls-verify'?: boolean;
    'tls-server-name'?: string;
  };
}
interface NamedUser {
  name: string;
  user?: {
    'client-certificate'?: string;
    'client-certificate-data'?: string;
    'client-key'?: string;
    'client-key-data'?: string;
    token?: string;
    tokenFile?: string;
    username?: string;
    password?: string;
    exec?: unknown;
    'auth-provider'?: unknown;
  };
}
interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
  clusters?: NamedCluster[];
  users?: NamedUser[];
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const TOKEN_REREAD_MS = 60_000;

/** A token read from a file, re-read now and then because kubelet rotates projected tokens. */
function tokenFileHeaders(file: string): () => Promise<Record<string, string>> {
  let token = '';
  let readAt = 0;
  return () => {
    if (Date.now() - readAt > TOKEN_REREAD_MS) {
      token = readFileSync(file, 'utf8').trim();
      readAt = Date.now();
    }
    return Promise.resolve({ Authorization: `Bearer ${token}` });
  };
}

function fileOrData(baseDir: string, file: string | undefined, data: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(path.resolve(baseDir, file));
  return undefined;
}

/** Picks the kubeconfig file: explicit path, else the first existing KUBECONFIG entry, else ~/.kube/config. */
export function kubeconfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (explicit) return explicit;
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  const candidates = fromEnv.length > 0 ? fromEnv : [path.join(homedir(), '.kube', 'config')];
  return candidates.find((file) => existsSync(file));
}

/** Builds a Connection from kubeconfig text (pure apart from reading referenced files). */
export async function connectionFromKubeconfig(text: string, file: string): Promise<Connection> {
  const config = (parse(text) ?? {}) as KubeconfigFile;
  const contextName = config['current-context'];
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`${file}: current-context ${JSON.stringify(contextName)} not found`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`${file}: cluster ${JSON.stringify(context.cluster)} not found or has no server`);
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  if (user.exec || user['auth-provider']) return pluginConnection(file);

  const baseDir = path.dirname(file);
  const tls: TlsOptions = {
    ca: fileOrData(baseDir, cluster['certificate-authority'], cluster['certificate-authority-data']),
    cert: fileOrData(baseDir, user['client-certificate'], user['client-certificate-data']),
    key: fileOrData(baseDir, user['client-key'], user['client-key-data']),
  };
  if (cluster['tls-server-name']) tls.servername = cluster['tls-server-name'];
  if (cluster['insecure-skip-tls-verify']) tls.rejectUnauthorized = false;

  let headers: () => Promise<Record<string, string>> = () => Promise.resolve({});
  if (user.token) {
    const fixed = { Authorization: `Bearer ${user.token}` };
    headers = () => Promise.resolve(fixed);
  } else if (user.tokenFile) {
    headers = tokenFileHeaders(path.resolve(baseDir, user.tokenFile));
  } else if (user.username !== undefined) {
    const fixed = { Authorization: `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}` };
    headers = () => Promise.resolve(fixed);
  }
  return { server: new URL(cluster.server), tls, headers, source: file };
}

function inClusterConnection(env: NodeJS.ProcessEnv): Connection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) throw new Error('no kubeconfig found and not running in a pod (KUBERNETES_SERVICE_HOST is unset)');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    server: new URL(`https://${hostPart}:${port}`),
    tls: { ca: readFileSync(path.join(SERVICE_ACCOUNT_DIR, 'ca.crt')) },
    headers: tokenFileHeaders(path.join(SERVICE_ACCOUNT_DIR, 'token')),
    source: 'in-cluster service account',
  };
}

// Exec and auth-provider plugins: let client-node run them (and pay its memory cost only then).
async function pluginConnection(file: string): Promise<Connection> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${file}: no current cluster`);
  const probe: RequestOptions = {};
  await kc.applyToHTTPSOptions(probe);
  const tls: TlsOptions = { ca: probe.ca as Buffer | undefined, cert: probe.cert as Buffer | undefined, key: probe.key as Buffer | undefined };
  if (probe.rejectUnauthorized === false) tls.rejectUnauthorized = false;
  return {
    server: new URL(cluster.server),
    tls,
    source: `${file} (via auth plugin)`,
    async headers() {
      const opts: RequestOptions = {};
      await kc.applyToHTTPSOptions(opts);
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(opts.headers ?? {})) if (typeof value === 'string') out[key] = value;
      return out;
    },
  };
}

export async function loadConnection(explicitKubeconfig: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const file = kubeconfigFile(explicitKubeconfig, env);
  if (!file) return inClusterConnection(env);
  return connectionFromKubeconfig(readFileSync(file, 'utf8'), file);
}
