import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionFromKubeconfig, kubeconfigFile } from '../../src/kube/config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'kubeconfig-test-'));
const caFile = path.join(dir, 'ca.crt');
writeFileSync(caFile, 'CA-FROM-FILE');
const tokenFile = path.join(dir, 'token');
writeFileSync(tokenFile, 'token-from-file\n');

function kubeconfig(user: string, cluster = `certificate-authority: ca.crt`): string {
  return `apiVersion: v1
kind: Config
current-context: main
contexts:
  - name: main
    context: { cluster: local, user: me }
  - name: other
    context: { cluster: nowhere, user: nobody }
clusters:
  - name: local
    cluster:
      server: https://127.0.0.1:6443
      ${cluster}
users:
  - name: me
    user:
${user}
`;
}

describe('connectionFromKubeconfig', () => {
  it('reads client certificates from data fields and the CA from a file relative to the kubeconfig', async () => {
    const text = kubeconfig(
      `      client-certificate-data: ${Buffer.from('CERT').toString('base64')}\n      client-key-data: ${Buffer.from('KEY').toString('base64')}`,
    );
    const connection = await connectionFromKubeconfig(text, path.join(dir, 'config'));
    expect(connection.server.href).toBe('https://127.0.0.1:6443/');
    expect(connection.tls.ca?.toString()).toBe('CA-FROM-FILE');
    expect(connection.tls.cert?.toString()).toBe('CERT');
    expect(connection.tls.key?.toString()).toBe('KEY');
    expect(await connection.headers()).toEqual({});
  });

  it('sends bearer tokens, inline or from a token file', async () => {
    const inline = await connectionFromKubeconfig(kubeconfig('      token: abc'), path.join(dir, 'config'));
    expect(await inline.headers()).toEqual({ Authorization: 'Bearer abc' });
    const fromFile = await connectionFromKubeconfig(kubeconfig('      tokenFile: token'), path.join(dir, 'config'));
    expect(await fromFile.headers()).toEqual({ Authorization: 'Bearer token-from-file' });
  });

  it('honours insecure-skip-tls-verify and tls-server-name', async () => {
    const connection = await connectionFromKubeconfig(
      kubeconfig('      token: abc', 'insecure-skip-tls-verify: true\n      tls-server-name: api.internal'),
      path.join(dir, 'config'),
    );
    expect(connection.tls.rejectUnauthorized).toBe(false);
    expect(connection.tls.servername).toBe('api.internal');
  });

  it('names the missing context or cluster', async () => {
    await expect(connectionFromKubeconfig(kubeconfig('      token: a').replace('current-context: main', 'current-context: gone'), 'cfg')).rejects.toThrow(
      /current-context "gone" not found/,
    );
    await expect(connectionFromKubeconfig(kubeconfig('      token: a').replace('current-context: main', 'current-context: other'), 'cfg')).rejects.toThrow(
      /cluster "nowhere" not found/,
    );
  });
});

describe('kubeconfigFile', () => {
  it('prefers the explicit path, then the first existing KUBECONFIG entry', () => {
    expect(kubeconfigFile('/explicit', { KUBECONFIG: caFile })).toBe('/explicit');
    expect(kubeconfigFile(undefined, { KUBECONFIG: ['/does/not/exist', caFile].join(path.delimiter) })).toBe(caFile);
  });
});
