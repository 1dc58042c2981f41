// Pure SLO arithmetic: error budgets, the windows every SLI is recorded over, and the
// multi-window multi-burn-rate alert table derived from the SLO window. See docs/slo-math.md.
import { SLI_BASE_WINDOW } from '@shopwatch/dashboards';
import type { Severity, SloWindow } from '../api/v1alpha1.ts';

const HOUR_SECONDS = 3600;

/** Prometheus duration string → seconds (supports the units the operator emits and accepts). */
export function durationSeconds(duration: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: HOUR_SECONDS, d: 86400, w: 604800, y: 31536000 };
  const parts = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/.test(duration) ? duration.match(/\d+(?:ms|s|m|h|d|w|y)/g) : null;
  if (!parts) throw new Error(`not a Prometheus duration: ${duration}`);
  return parts.reduce((sum, part) => {
    const [, value, unit] = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(part) as RegExpExecArray;
    return sum + Number(value) * (units[unit as string] as number);
  }, 0);
}

/** Seconds → the shortest Prometheus duration that names it exactly (`90m` → `1h30m`). */
export function formatDuration(seconds: number): string {
  if (seconds <= 0 || !Number.isInteger(seconds)) throw new Error(`cannot format ${seconds}s as a duration`);
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  let rest = seconds;
  let out = '';
  for (const [unit, size] of [['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** A number as PromQL/YAML text without binary floating-point noise (14.400000000000002 → 14.4). */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

export interface Objective {
  /** The objective as a ratio, e.g. 0.995. */
  target: number;
  /** The error budget as a ratio, e.g. 0.005. */
  budget: number;
}

/**
 * Parses an objective percentage string ("99.5"). The budget is computed from the decimal digits
 * so 100 - 99.9 is exactly 0.001, not 0.000999999…
 */
export function parseObjective(objective: string): Objective {
  const match = /^(\d{1,2})(?:\.(\d+))?$/.exec(objective);
  if (!match) throw new Error(`objective must be a decimal percentage below 100, got ${JSON.stringify(objective)}`);
  const decimals = (match[2] ?? '').length;
  const scale = 10 ** (decimals + 2);
  const scaled = Number(`${match[1]}${match[2] ?? ''}`);
  if (scaled <= 0) throw new Error(`objective must be greater than 0, got ${JSON.stringify(objective)}`);
  return { target: scaled / scale, budget: (scale - scaled) / scale };
}

export function windowSeconds(window: SloWindow): number {
  return durationSeconds(window);
}

/** One multi-window burn-rate alert: fires when both windows burn faster than `factor`. */
export interface BurnRateAlert {
  severity: Extract<Severity, 'critical' | 'warning'>;
  /** What the severity means for the on-call: page someone now or open a ticket. */
  action: 'page' | 'ticket';
  longWindow: string;
  shortWindow: string;
  /** Share of the whole error budget consumed within the long window when the alert fires. */
  budgetShare: number;
  /** Burn rate threshold: budgetShare × SLO window / long window. */
  factor: number;
  /** How long the condition must hold: half the short window, in whole minutes. */
  for: string;
}

/**
 * The four alert pairs of the multi-window multi-burn-rate method. The long window catches a
 * sustained burn; the short window (1/12 of it) makes the alert stop soon after the burn stops.
 * The budget shares (2 %, 5 %, 10 %, 10 %) are what a 30-day SLO's classic factors 14.4, 6, 3 and 1
 * stand for; deriving the factor from the share keeps the meaning for any window.
 */
const ALERT_TABLE: ReadonlyArray<Omit<BurnRateAlert, 'factor' | 'for'>> = [
  { severity: 'critical', action: 'page', longWindow: '1h', shortWindow: '5m', budgetShare: 0.02 },
  { severity: 'critical', action: 'page', longWindow: '6h', shortWindow: '30m', budgetShare: 0.05 },
  { severity: 'warning', action: 'ticket', longWindow: '1d', shortWindow: '2h', budgetShare: 0.1 },
  { severity: 'warning', action: 'ticket', longWindow: '3d', shortWindow: '6h', budgetShare: 0.1 },
];

export function burnRateAlerts(window: SloWindow): BurnRateAlert[] {
  const windowHours = windowSeconds(window) / HOUR_SECONDS;
  return ALERT_TABLE.map((row) => {
    const longHours = durationSeconds(row.longWindow) / HOUR_SECONDS;
    const forMinutes = Math.floor(durationSeconds(row.shortWindow) / 60 / 2);
    return {
      ...row,
      factor: Number(((row.budgetShare * windowHours) / longHours).toPrecision(12)),
      for: formatDuration(forMinutes * 60),
    };
  });
}

/** The window every SLI is recorded at from raw series; all longer windows derive from it. */
export const BASE_WINDOW = SLI_BASE_WINDOW;

/** Every window an SLI error ratio is recorded for: the alert windows and the SLO window. */
export function sliWindows(window: SloWindow): string[] {
  const all = new Set<string>([BASE_WINDOW]);
  for (const alert of burnRateAlerts(window)) {
    all.add(alert.shortWindow);
    all.add(alert.longWindow);
  }
  all.add(window);
  return [...all].sort((a, b) => durationSeconds(a) - durationSeconds(b));
}
