// The services the bad-input barrage covers: one entry per service (filled in by the runner).
export const badInputServices: readonly string[] = [];
