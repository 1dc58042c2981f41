// Readiness: named dependency checks run on every /readyz. The answer names the failing dependency,
// so "why is this pod not ready" is answered by one curl. Shutdown flips readiness off first.

export type ReadinessCheck = () => Promise<void>;

export interface ReadinessResult {
  ready: boolean;
  /** `ok` or why the check failed. */
  checks: Record<string, string>;
  failing: string[];
}

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async evaluate(timeoutMs = 2_000): Promise<ReadinessResult> {
    const checks: Record<string, string> = {};
    const failing: string[] = [];
    if (this.shuttingDown) {
      checks.shutdown = 'shutting down';
      failing.push('shutdown');
    }
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs);
          checks[name] = 'ok';
        } catch (error) {
          checks[name] = error instanceof Error ? error.message.slice(0, 200) : 'failed';
          failing.push(name);
        }
      }),
    );
    failing.sort();
    return { ready: failing.length === 0, checks, failing };
  }
}

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
