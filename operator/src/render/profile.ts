// The test profile: every range, rule-group interval and `for:` of the generated rules divided by a
// factor (20 by default), so a 1h burn-rate window becomes 3m and `for: 10m` becomes 30s and a fault
// drill sees an alert within a minute or two. Record and alert names stay as they are (a rule
// recorded as `…rate1h` then covers 3m): the profile is for drills against a local shop, never for
// production.
import type { RuleGroup } from '../desired/prometheus-rule.ts';
import { durationSeconds, formatDuration } from '../desired/slo.ts';

export const TEST_PROFILE_FACTOR = 20;
/** Never below two scrapes of the local Prometheus (5 s): a rate needs two samples. */
const MIN_SECONDS = 10;

export function scaleDuration(duration: string, factor: number): string {
  const seconds = Math.max(MIN_SECONDS, Math.round(durationSeconds(duration) / factor));
  return formatDuration(seconds);
}

/** Scales every duration inside `[...]` (ranges and subqueries, e.g. `[1h]`, `[30d:5m]`) of a PromQL expression. */
export function scaleExprRanges(expr: string, factor: number): string {
  return expr.replace(/\[((?:\d+(?:ms|s|m|h|d|w|y))+)(?::((?:\d+(?:ms|s|m|h|d|w|y))+))?\]/g, (_m, range: string, step?: string) =>
    step ? `[${scaleDuration(range, factor)}:${scaleDuration(step, factor)}]` : `[${scaleDuration(range, factor)}]`,
  );
}

export function scaleRuleGroups(groups: RuleGroup[], factor: number): RuleGroup[] {
  return groups.map((group) => ({
    ...group,
    ...(group.interval ? { interval: scaleDuration(group.interval, factor) } : {}),
    rules: group.rules.map((rule) => {
      const scaled = { ...rule, expr: scaleExprRanges(rule.expr, factor) };
      if ('for' in scaled && scaled.for) scaled.for = scaleDuration(scaled.for, factor);
      return scaled;
    }),
  }));
}
