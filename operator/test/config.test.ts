import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseDuration } from '../src/config.ts';

describe('parseConfig', () => {
  it('has working defaults', () => {
    const config = parseConfig([], {});
    expect(config.port).toBe(8200);
    expect(config.namespaces).toBeUndefined();
    expect(config.leaderElection).toMatchObject({ enabled: false, name: 'shopwatch-operator', leaseDurationMs: 15_000 });
    expect(config.settings.defaultRelease).toBe('kube-prometheus-stack');
  });

  it('takes flags over environment variables over defaults', () => {
    const config = parseConfig(['--port', '9000', '--leader-elect', '--namespaces', 'a, b,a'], {
      SHOPWATCH_PORT: '9100',
      SHOPWATCH_WORKERS: '8',
      POD_NAMESPACE: 'ops',
    });
    expect(config.port).toBe(9000);
    expect(config.workers).toBe(8);
    expect(config.namespaces).toEqual(['a', 'b']);
    expect(config.leaderElection).toMatchObject({ enabled: true, namespace: 'ops' });
  });

  it('names the setting that is wrong', () => {
    expect(() => parseConfig(['--workers', 'many'], {})).toThrow(/--workers \(SHOPWATCH_WORKERS\)/);
    expect(() => parseConfig([], { SHOPWATCH_NAMESPACES: 'Bad_NS' })).toThrow(/not a valid namespace/);
    expect(() => parseConfig(['--lease-duration', '5s'], {})).toThrow(ConfigError);
    expect(() => parseConfig(['--no-such-flag'], {})).toThrow(ConfigError);
  });
});

describe('runbook base URL', () => {
  it('defaults to the project site and drops a trailing slash', () => {
    expect(parseConfig([], {}).settings.runbookBaseUrl).toBe('https://shopwatch.dev/runbooks');
    const config = parseConfig([], { SHOPWATCH_RUNBOOK_BASE_URL: 'https://git.example/shop/blob/main/docs/runbooks/' });
    expect(config.settings.runbookBaseUrl).toBe('https://git.example/shop/blob/main/docs/runbooks');
    expect(parseConfig(['--runbook-base-url', 'http://wiki.internal/rb'], {}).settings.runbookBaseUrl).toBe('http://wiki.internal/rb');
  });

  it('refuses anything that is not an absolute http(s) URL, naming the flag', () => {
    for (const bad of ['docs/runbooks', 'ftp://x/rb', 'https://', 'https://a b/rb']) {
      expect(() => parseConfig(['--runbook-base-url', bad], {})).toThrow(/--runbook-base-url \(SHOPWATCH_RUNBOOK_BASE_URL\): .* is not an http\(s\) URL/);
    }
  });
});

describe('parseDuration', () => {
  it('reads the usual units', () => {
    expect(['500ms', '15s', '10m', '1h', '1.5s'].map(parseDuration)).toEqual([500, 15_000, 600_000, 3_600_000, 1500]);
  });
  it('rejects what it cannot read', () => {
    expect(() => parseDuration('15')).toThrow(ConfigError);
  });
});
