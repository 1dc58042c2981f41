// Polling with a deadline and a message that says what was awaited, so a failing integration
// test explains itself ("timed out after 10000 ms waiting for: ServiceMonitor restored; last: ...").

export interface WaitOptions {
  /** Milliseconds before giving up (default 10 s). */
  timeoutMs?: number;
  /** Milliseconds between attempts (default 100 ms). */
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns a value other than `undefined`/`false` and returns that value.
 * Errors thrown by `probe` count as "not yet"; the last one is quoted if the wait times out.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description}; last: ${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A name unique to this process and moment, safe for databases, topics and namespaces. */
export function uniqueName(prefix: string): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${random}`.toLowerCase();
}
