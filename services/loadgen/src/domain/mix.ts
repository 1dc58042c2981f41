// The scenario mix: relative weights per scenario, from `LOADGEN_MIX` (`browse=50,search=20,…`)
// or from PUT /control. A name not given weighs 0; at least one weight must be positive.

export const SCENARIOS = ['browse', 'search', 'cart', 'checkout', 'signup', 'support'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export type Mix = Record<ScenarioName, number>;

/** Largest weight of one scenario: weights are relative, so more precision buys nothing. */
export const MAX_WEIGHT = 10_000;
export const DEFAULT_MIX_TEXT = 'browse=50,search=20,cart=15,checkout=8,signup=5,support=2';

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}

export function emptyMix(): Mix {
  return { browse: 0, search: 0, cart: 0, checkout: 0, signup: 0, support: 0 };
}

export type MixResult = { ok: true; mix: Mix } | { ok: false; error: string };

/** Parses `name=weight,name=weight`; the error says which entry is wrong and why. */
export function parseMix(text: string): MixResult {
  const mix = emptyMix();
  const seen = new Set<string>();
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') return { ok: false, error: 'is empty' };
  for (const entry of entries) {
    const match = /^([a-z]+)\s*=\s*(\d{1,6})$/.exec(entry);
    if (!match) return { ok: false, error: `has a malformed entry ${JSON.stringify(entry)} (expected name=weight)` };
    const [, name = '', digits = ''] = match;
    if (!isScenarioName(name)) return { ok: false, error: `names an unknown scenario ${JSON.stringify(name)} (known: ${SCENARIOS.join(', ')})` };
    if (seen.has(name)) return { ok: false, error: `names ${name} twice` };
    seen.add(name);
    const weight = Number(digits);
    if (weight > MAX_WEIGHT) return { ok: false, error: `gives ${name} a weight above ${MAX_WEIGHT}` };
    mix[name] = weight;
  }
  const problem = mixProblem(mix);
  return problem ? { ok: false, error: problem } : { ok: true, mix };
}

/** Why a complete mix cannot be used, or undefined when it can. */
export function mixProblem(mix: Mix): string | undefined {
  for (const name of SCENARIOS) {
    const weight = mix[name];
    if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) return `gives ${name} a weight that is not an integer from 0 to ${MAX_WEIGHT}`;
  }
  if (SCENARIOS.every((name) => mix[name] === 0)) return 'has no scenario with a positive weight';
  return undefined;
}

export function formatMix(mix: Mix): string {
  return SCENARIOS.filter((name) => mix[name] > 0)
    .map((name) => `${name}=${mix[name]}`)
    .join(',');
}

/** Picks scenarios in proportion to their weights from a uniform number in [0, 1). */
export class WeightedChoice {
  readonly #names: ScenarioName[] = [];
  readonly #cumulative: number[] = [];
  readonly #total: number;

  constructor(mix: Mix) {
    let total = 0;
    for (const name of SCENARIOS) {
      if (mix[name] <= 0) continue;
      total += mix[name];
      this.#names.push(name);
      this.#cumulative.push(total);
    }
    if (total === 0) throw new Error('a mix needs at least one positive weight');
    this.#total = total;
  }

  choose(uniform: number): ScenarioName {
    const target = uniform * this.#total;
    for (let i = 0; i < this.#cumulative.length; i++) {
      if (target < (this.#cumulative[i] as number)) return this.#names[i] as ScenarioName;
    }
    return this.#names[this.#names.length - 1] as ScenarioName;
  }
}
