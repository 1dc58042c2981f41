// Reading samples from a /metrics answer (the Prometheus text format, or OpenMetrics with
// exemplars). A name is a metric name only: a label selector where a name belongs
// (`shop_x{a="b"}`) throws, so a test cannot silently read 0 from a series it spelt wrong.

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \S+)?(?: # .*)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Every sample in `text` (comments and blank lines skipped). */
export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    // An exemplar (` # {trace_id="…"} 1 …`) follows the value; the value is what is read.
    const match = LINE.exec(line.includes(' # ') ? line.slice(0, line.indexOf(' # ')) : line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const m of (match[2] ?? '').matchAll(LABEL)) labels[m[1]!] = unescape(m[2]!);
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new Error(`metric readers take a metric name, not ${JSON.stringify(name)}: pass labels as the next argument, e.g. ('shop_x_total', { outcome: 'ok' })`);
  }
}

function matching(text: string, name: string, labels: Record<string, string>): MetricSample[] {
  checkName(name);
  return parseMetrics(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the first sample of `name` whose labels include all of `labels`; undefined if none. */
export function metricSample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return matching(text, name, labels)[0]?.value;
}

/** The sum of every sample of `name` whose labels include all of `labels` (0 if none): a counter or gauge over series. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  return matching(text, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/** A histogram's `_count` or `_sum` over the series whose labels include all of `labels` (0 if none). */
export function histogramTotal(text: string, name: string, part: 'count' | 'sum', labels: Record<string, string> = {}): number {
  checkName(name);
  return metricSum(text, `${name}_${part}`, labels);
}
