// Test support: runs the real promtool on generated rule files in a temporary directory, and
// builds promtool input series from traffic phases (so a test reads "1h clean, then 100% errors").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * `promtool` if installed. A missing promtool fails loudly (make test installs it with the
 * Prometheus package, so a silent skip would only hide a broken setup) unless
 * SHOPWATCH_ALLOW_NO_PROMTOOL=1 says a machine without it should skip these tests.
 */
export function promtoolPath(): string | undefined {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return 'promtool';
  if (process.env['SHOPWATCH_ALLOW_NO_PROMTOOL'] === '1') return undefined;
  throw new Error('promtool not found: install the prometheus package (make prereqs) or set SHOPWATCH_ALLOW_NO_PROMTOOL=1 to skip');
}

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Writes `files` (name → data, serialised as YAML) into a fresh directory and runs promtool there. */
export function runPromtool(args: string[], files: Record<string, unknown>): PromtoolResult {
  const dir = mkdtempSync(join(tmpdir(), 'shopwatch-promtool-'));
  try {
    for (const [name, data] of Object.entries(files)) {
      writeFileSync(join(dir, name), stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 }));
    }
    const run = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A stretch of traffic: `minutes` long, `requestsPerMinute` in total, `errorShare` of them failing. */
export interface Phase {
  minutes: number;
  errorShare: number;
  requestsPerMinute?: number;
}

/**
 * Cumulative counter values, one per minute (promtool's expanding notation), for the good and
 * the failed requests. Both series start at 0 at minute 0 so a first error is a counter increase,
 * not a new series.
 */
export function counterSeries(phases: Phase[]): { good: string; errors: string } {
  const good: string[] = [];
  const errors: string[] = [];
  let goodValue = 0;
  let errorValue = 0;
  let first = true;
  for (const phase of phases) {
    const perMinute = phase.requestsPerMinute ?? 6000;
    const errorStep = Math.round(perMinute * phase.errorShare);
    const goodStep = perMinute - errorStep;
    // The first phase includes the sample at minute 0; every later phase starts one step on.
    const samples = first ? phase.minutes + 1 : phase.minutes;
    const startGood = first ? goodValue : goodValue + goodStep;
    const startErrors = first ? errorValue : errorValue + errorStep;
    good.push(`${startGood}+${goodStep}x${samples - 1}`);
    errors.push(`${startErrors}+${errorStep}x${samples - 1}`);
    goodValue = startGood + goodStep * (samples - 1);
    errorValue = startErrors + errorStep * (samples - 1);
    first = false;
  }
  return { good: good.join(' '), errors: errors.join(' ') };
}
