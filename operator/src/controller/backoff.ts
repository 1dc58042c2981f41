// Exponential backoff: base · 2^(failures-1), capped. Pure, so retries are predictable and tested.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Delay before retry number `failures` (1 = first retry). */
export function backoffDelay(failures: number, options: BackoffOptions): number {
  if (failures <= 0) return 0;
  // Past ~30 doublings every sensible cap is reached; avoid Infinity.
  const exponent = Math.min(failures - 1, 30);
  return Math.min(options.maxMs, options.baseMs * 2 ** exponent);
}
