// Prometheus' HTTP API (v1) over a port-forward: the few reads the stack test makes.

export interface PromTarget {
  labels: Record<string, string>;
  scrapePool: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface PromRule {
  name: string;
  type: 'alerting' | 'recording';
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
}

export interface PromRuleGroup {
  name: string;
  file: string;
  rules: PromRule[];
}

export interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
}

/** `get(path)` answers the `data` of a successful response and throws with the error otherwise. */
export function prometheusApi(baseUrl: string) {
  return {
    async get<T>(apiPath: string): Promise<T> {
      const response = await fetch(`${baseUrl}${apiPath}`, { signal: AbortSignal.timeout(15_000) });
      const body = (await response.json()) as { status: string; data?: T; error?: string };
      if (!response.ok || body.status !== 'success' || body.data === undefined) {
        throw new Error(`GET ${apiPath}: ${response.status} ${body.error ?? JSON.stringify(body).slice(0, 300)}`);
      }
      return body.data;
    },
  };
}
