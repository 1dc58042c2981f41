// The drill table the issue asks for: fault → alert → seconds to pending, plain text, one row per
// drill, columns padded so it reads in a CI log.

export interface DrillResult {
  fault: string;
  alert: string;
  /** Seconds from the fault's injection to the alert becoming pending; undefined: never reached. */
  secondsToPending: number | undefined;
  /** Seconds from undoing the fault to a healthy shop with the signal back to normal. */
  secondsToRecover: number | undefined;
  unrelatedPages: string[];
}

export function drillTable(results: DrillResult[]): string {
  const header = ['fault', 'alert', 'seconds to pending', 'seconds to recover', 'unrelated pages'];
  const rows = results.map((r) => [
    r.fault,
    r.alert,
    r.secondsToPending === undefined ? 'not reached' : r.secondsToPending.toFixed(0),
    r.secondsToRecover === undefined ? '-' : r.secondsToRecover.toFixed(0),
    r.unrelatedPages.length === 0 ? '0' : r.unrelatedPages.join('; '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ').trimEnd();
  const reached = results.filter((r) => r.secondsToPending !== undefined).length;
  const pages = results.reduce((n, r) => n + r.unrelatedPages.length, 0);
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
    `drills: ${results.length}, alerts reached: ${reached}/${results.length}, unrelated pages: ${pages}`,
  ].join('\n');
}
