// Input series for promtool and a small model of what each SLI means, written from the SLO's
// definition (README "Every field") rather than from the rendered rule text: the cases built on
// it say "this traffic has this error ratio, so these alerts must fire", and the real rule
// engine has to agree. Only the simple selectors the specs use are understood; anything else
// throws, so a new kind of selector is noticed instead of guessed at.
import type { ServiceObservability, Slo } from '../../src/api/v1alpha1.ts';

export const HTTP = 'http_server_request_duration_seconds';
/** Requests (or events) per minute in every scenario: 10 per second. */
export const PER_MINUTE = 600;

export interface Series {
  metric: string;
  labels: Record<string, string>;
  /** Counter increase per minute (a gauge's constant value when `gauge` is set). */
  perMinute: number;
  gauge?: boolean;
  /** promtool sample notation written out, for a series no constant rate describes. */
  values?: string;
}

type Op = '=' | '!=' | '=~' | '!~';
interface Matcher {
  name: string;
  op: Op;
  value: string;
}
interface Selector {
  metric: string;
  matchers: Matcher[];
}

export function parseSelector(text: string): Selector {
  const match = /^\s*([A-Za-z_:][\w:]*)\s*(?:\{(.*)\})?\s*$/s.exec(text);
  if (!match) throw new Error(`not a simple selector: ${text}`);
  const matchers: Matcher[] = [];
  const body = match[2] ?? '';
  const pattern = /\s*([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/gy;
  let consumed = 0;
  for (let m = pattern.exec(body); m; m = pattern.exec(body)) {
    matchers.push({ name: m[1] as string, op: m[2] as Op, value: (m[3] as string).replace(/\\(.)/g, '$1') });
    consumed = pattern.lastIndex;
    if (consumed >= body.length) break;
  }
  if (body.trim() !== '' && consumed < body.length) throw new Error(`cannot read the matchers of ${text}`);
  return { metric: match[1] as string, matchers };
}

function fullMatch(regex: string, value: string): boolean {
  return new RegExp(`^(?:${regex})$`).test(value);
}

function matcherHolds(m: Matcher, labels: Record<string, string>): boolean {
  const value = labels[m.name] ?? '';
  if (m.op === '=') return value === m.value;
  if (m.op === '!=') return value !== m.value;
  if (m.op === '=~') return fullMatch(m.value, value);
  return !fullMatch(m.value, value);
}

export function selects(selector: Selector, series: Series): boolean {
  return series.metric === selector.metric && selector.matchers.every((m) => matcherHolds(m, series.labels));
}

/** A value the regex matches: its first alternative, optional groups dropped, `.` read as a digit. */
export function exampleFor(regex: string): string {
  let depth = 0;
  let end = regex.length;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      end = i;
      break;
    }
  }
  const candidate = regex
    .slice(0, end)
    .replace(/\((?:[^()\\]|\\.)*\)\?/g, '')
    .replace(/\.\*/g, '')
    .replace(/\.\+/g, 'x')
    .replace(/(^|[^\\])\./g, '$10')
    .replace(/\\(.)/g, '$1');
  if (!fullMatch(regex, candidate)) throw new Error(`no example value for the regex ${regex} (tried ${candidate})`);
  return candidate;
}

function counterExampleFor(regex: string): string {
  const found = ['other', 'zz_other', '0', ''].find((v) => !fullMatch(regex, v));
  if (found === undefined) throw new Error(`every candidate matches ${regex}`);
  return found;
}

function satisfy(matchers: Matcher[], base: Record<string, string>): Record<string, string> {
  const labels = { ...base };
  for (const m of matchers) {
    if (m.name in base) continue;
    if (m.op === '=') labels[m.name] = m.value;
    else if (m.op === '=~') labels[m.name] = exampleFor(m.value);
    else if (m.op === '!~') labels[m.name] = counterExampleFor(m.value);
    else labels[m.name] = `${m.value}_other`;
  }
  return labels;
}

function violate(m: Matcher): string {
  if (m.op === '=') return `${m.value}_other`;
  if (m.op === '!=') return m.value;
  if (m.op === '=~') return counterExampleFor(m.value);
  return exampleFor(m.value);
}

function scope(resource: ServiceObservability): Record<string, string> {
  return { namespace: resource.metadata.namespace, service: resource.spec.service.name };
}

/** Bucket bounds of a histogram in these cases: a usual spread plus whatever a case needs. */
export const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** One stream of HTTP requests of one duration: the histogram's count and every bucket, +Inf included. */
export function httpRequests(
  base: Record<string, string>,
  route: string,
  status: string,
  seconds: number,
  perMinute: number,
  bounds: number[] = BOUNDS,
): Series[] {
  const labels = { ...base, route, method: 'GET', status_code: status };
  const buckets = [...new Set(bounds)].sort((a, b) => a - b);
  return [
    { metric: `${HTTP}_count`, labels, perMinute },
    ...buckets.map((le) => ({ metric: `${HTTP}_bucket`, labels: { ...labels, le: formatNumber(le) }, perMinute: seconds <= le ? perMinute : 0 })),
    { metric: `${HTTP}_bucket`, labels: { ...labels, le: '+Inf' }, perMinute },
  ];
}

function sum(series: Series[], pick: (s: Series) => boolean): number | undefined {
  const chosen = series.filter(pick);
  return chosen.length === 0 ? undefined : chosen.reduce((total, s) => total + s.perMinute, 0);
}

function routeMatcher(routes: string | undefined): Matcher[] {
  return routes ? [{ name: 'route', op: '=~', value: routes }] : [];
}

/**
 * The SLI's error ratio over the given traffic, from the SLO's definition: availability = requests
 * answered with an error status / requests; latency = 1 − requests within the threshold (the
 * bucket whose bound equals it) / requests; ratio = 1 − good / total. Undefined when the error
 * side has no series at all (what SLOIndicatorMissing is about) or there is no traffic.
 */
export function errorRatio(resource: ServiceObservability, slo: Slo, series: Series[]): number | undefined {
  const base = Object.entries(scope(resource)).map(([name, value]) => ({ name, op: '=' as const, value }));
  if (slo.availability) {
    const total: Selector = { metric: `${HTTP}_count`, matchers: [...base, ...routeMatcher(slo.availability.routes)] };
    const errors: Selector = { ...total, matchers: [...total.matchers, { name: 'status_code', op: '=~', value: slo.availability.errorStatusCodes ?? '5..' }] };
    const t = sum(series, (s) => selects(total, s));
    if (!t) return undefined;
    return (sum(series, (s) => selects(errors, s)) ?? 0) / t;
  }
  if (slo.latency) {
    const total: Selector = { metric: `${HTTP}_count`, matchers: [...base, ...routeMatcher(slo.latency.routes)] };
    const threshold = Number(slo.latency.thresholdSeconds);
    const bucket: Selector = { metric: `${HTTP}_bucket`, matchers: total.matchers };
    const t = sum(series, (s) => selects(total, s));
    const good = sum(series, (s) => selects(bucket, s) && Number(s.labels['le']) === threshold);
    if (!t || good === undefined) return undefined;
    return 1 - good / t;
  }
  const ratio = slo.ratio as NonNullable<Slo['ratio']>;
  const withScope = (sel: Selector): Selector => ({
    metric: sel.metric,
    matchers: [...sel.matchers, ...base.filter((b) => !sel.matchers.some((m) => m.name === b.name))],
  });
  const total = withScope(parseSelector(ratio.total));
  const good = withScope(parseSelector(ratio.good));
  const t = sum(series, (s) => selects(total, s));
  const g = sum(series, (s) => selects(good, s));
  if (!t || g === undefined) return undefined;
  return 1 - g / t;
}

/** The threshold bucket left out (`withoutGood`) makes the latency SLI's good side disappear. */
function latencyBounds(threshold: number, withoutGood: boolean): number[] {
  const bounds = [...new Set([...BOUNDS, threshold])];
  return withoutGood ? bounds.filter((b) => b !== threshold) : bounds;
}

/**
 * Traffic on which the SLO's SLI has error ratio `ratio`. With `withoutGood`, the good side of
 * a latency or ratio SLI has no series at all (no threshold bucket, no good-labelled events).
 */
export function sloTraffic(resource: ServiceObservability, slo: Slo, ratio: number, withoutGood = false): Series[] {
  const base = scope(resource);
  const bad = PER_MINUTE * ratio;
  const good = PER_MINUTE - bad;
  if (slo.availability) {
    const route = slo.availability.routes ? exampleFor(slo.availability.routes) : '/items';
    const codes = slo.availability.errorStatusCodes ?? '5..';
    if (fullMatch(codes, '200')) throw new Error(`errorStatusCodes ${codes} counts 200 as an error`);
    return [...httpRequests(base, route, '200', 0.005, good), ...httpRequests(base, route, exampleFor(codes), 0.005, bad)];
  }
  if (slo.latency) {
    const route = slo.latency.routes ? exampleFor(slo.latency.routes) : '/items';
    const threshold = Number(slo.latency.thresholdSeconds);
    const bounds = latencyBounds(threshold, withoutGood);
    const slow = bounds.find((b) => b > threshold) ?? threshold * 2;
    return [...httpRequests(base, route, '200', 0.005, good, bounds), ...httpRequests(base, route, '200', slow, bad, bounds)];
  }
  const spec = slo.ratio as NonNullable<Slo['ratio']>;
  const total = parseSelector(spec.total);
  const goodSel = parseSelector(spec.good);
  if (goodSel.metric === total.metric) {
    // Good events satisfy both selectors; bad ones satisfy total and break one of good's matchers.
    const goodLabels = satisfy(total.matchers, satisfy(goodSel.matchers, base));
    const badLabels = goodSel.matchers
      .map((m) => ({ ...satisfy(total.matchers, base), [m.name]: violate(m) }))
      .find((labels) => selects(total, { metric: total.metric, labels, perMinute: 0 }) && !selects(goodSel, { metric: total.metric, labels, perMinute: 0 }));
    const goodSeries: Series = { metric: total.metric, labels: goodLabels, perMinute: good };
    if (!badLabels || !selects(total, goodSeries) || !selects(goodSel, goodSeries)) {
      throw new Error(`cannot make good and bad events for good ${spec.good} / total ${spec.total}`);
    }
    return [...(withoutGood ? [] : [goodSeries]), { metric: total.metric, labels: badLabels, perMinute: withoutGood ? PER_MINUTE : bad }];
  }
  return [
    ...(withoutGood ? [] : [{ metric: goodSel.metric, labels: satisfy(goodSel.matchers, base), perMinute: good }]),
    { metric: total.metric, labels: satisfy(total.matchers, base), perMinute: PER_MINUTE },
  ];
}

function selectorText(s: Series): string {
  const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${s.metric}{${labels.join(',')}}`;
}

/** promtool input series, one sample a minute for `minutes`, counters from 0; equal series are merged. */
export function inputSeries(series: Series[], minutes: number): Array<{ series: string; values: string }> {
  const merged = new Map<string, Series>();
  for (const s of series) {
    const key = selectorText(s);
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, perMinute: seen.perMinute + s.perMinute } : s);
  }
  return [...merged.entries()].map(([key, s]) => ({
    series: key,
    values: s.values ?? (s.gauge ? `${formatNumber(s.perMinute)}x${minutes}` : `0+${formatNumber(s.perMinute)}x${minutes}`),
  }));
}
