// Run-time control: the state GET /control shows and the rules PUT /control is checked against
// beyond its schema (limits that come from configuration, a mix that must keep a positive weight).
import { mixProblem, SCENARIOS, type Mix, type ScenarioName } from './mix.ts';

export interface ControlSettings {
  rate: number;
  mix: Mix;
  paused: boolean;
  maxInFlight: number;
}

export interface ControlLimits {
  /** Highest rate PUT /control may set (LOADGEN_MAX_RATE). */
  maxRate: number;
  /** Highest in-flight bound PUT /control may set. */
  maxInFlight: number;
}

/** A PUT /control body after schema validation: any subset; a given mix replaces the whole mix. */
export interface ControlUpdate {
  rate?: number;
  mix?: Partial<Record<ScenarioName, number>>;
  paused?: boolean;
  maxInFlight?: number;
}

export interface ControlFieldError {
  field: string;
  message: string;
}

export type ControlResult = { ok: true; settings: ControlSettings } | { ok: false; errors: ControlFieldError[] };

export function applyControl(current: ControlSettings, update: ControlUpdate, limits: ControlLimits): ControlResult {
  const errors: ControlFieldError[] = [];
  const next: ControlSettings = { ...current, mix: { ...current.mix } };
  if (update.rate !== undefined) {
    if (!Number.isFinite(update.rate) || update.rate < 0 || update.rate > limits.maxRate) {
      errors.push({ field: '/body/rate', message: `must be from 0 to ${limits.maxRate} scenarios per second` });
    } else {
      next.rate = update.rate;
    }
  }
  if (update.maxInFlight !== undefined) {
    if (!Number.isInteger(update.maxInFlight) || update.maxInFlight < 1 || update.maxInFlight > limits.maxInFlight) {
      errors.push({ field: '/body/maxInFlight', message: `must be an integer from 1 to ${limits.maxInFlight}` });
    } else {
      next.maxInFlight = update.maxInFlight;
    }
  }
  if (update.mix !== undefined) {
    const mix = Object.fromEntries(SCENARIOS.map((name) => [name, update.mix?.[name] ?? 0])) as Mix;
    const problem = mixProblem(mix);
    if (problem) errors.push({ field: '/body/mix', message: problem });
    else next.mix = mix;
  }
  if (update.paused !== undefined) next.paused = update.paused;
  return errors.length ? { ok: false, errors } : { ok: true, settings: next };
}
