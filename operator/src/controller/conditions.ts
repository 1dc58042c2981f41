// Status as pure data: from what the reconcile found (spec problems, apply failures, outputs in
// place) to `status.conditions`, keeping lastTransitionTime when a condition's status did not
// change, and deciding whether the status needs writing at all.
import type { Condition, ConditionType, ServiceObservabilityStatus } from '../api/v1alpha1.ts';
import type { SpecProblem } from '../desired/contract.ts';

export type OutputCondition = Exclude<ConditionType, 'Ready'>;
export const OUTPUT_CONDITIONS: readonly OutputCondition[] = ['ScrapeReady', 'RulesReady', 'DashboardReady'];

/** What happened to one condition's outputs in this reconcile. */
export type ConditionOutcome =
  | { state: 'ready'; objects: string[] }
  | { state: 'disabled' }
  | { state: 'invalid'; problems: SpecProblem[] }
  | { state: 'failed'; reason: string; message: string };

const SUBJECT: Record<OutputCondition, string> = {
  ScrapeReady: 'scrape configuration',
  RulesReady: 'alert and recording rules',
  DashboardReady: 'dashboard',
};

/** The maximum message length Kubernetes accepts for a condition is 32768; stay well under it. */
const MAX_MESSAGE = 1024;

function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}

function describe(type: OutputCondition, outcome: ConditionOutcome): Pick<Condition, 'status' | 'reason' | 'message'> {
  switch (outcome.state) {
    case 'ready':
      return { status: 'True', reason: 'Applied', message: `${outcome.objects.join(', ')} up to date` };
    case 'disabled':
      return { status: 'True', reason: 'Disabled', message: `no ${SUBJECT[type]} requested by the spec` };
    case 'invalid': {
      const first = outcome.problems[0];
      const more = outcome.problems.length > 1 ? ` (and ${outcome.problems.length - 1} more problems)` : '';
      return {
        status: 'False',
        reason: first?.reason ?? 'InvalidSpec',
        message: clip(`${first?.message ?? 'invalid spec'}${more}; the last good ${SUBJECT[type]} stays in place`),
      };
    }
    case 'failed':
      return { status: 'False', reason: outcome.reason, message: clip(outcome.message) };
  }
}

export function computeConditions(
  outcomes: Record<OutputCondition, ConditionOutcome>,
  generation: number | undefined,
  previous: readonly Condition[] | undefined,
  now: Date,
): Condition[] {
  const described = OUTPUT_CONDITIONS.map((type) => ({ type, ...describe(type, outcomes[type]) }));
  const failing = described.filter((c) => c.status !== 'True');
  const ready: Pick<Condition, 'type' | 'status' | 'reason' | 'message'> =
    failing.length === 0
      ? { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'all outputs are up to date' }
      : {
          type: 'Ready',
          status: 'False',
          reason: failing[0]?.reason ?? 'NotReady',
          message: clip(failing.map((c) => `${c.type}: ${c.message}`).join('; ')),
        };
  return [ready, ...described].map((condition) => {
    const before = previous?.find((c) => c.type === condition.type);
    const lastTransitionTime =
      before && before.status === condition.status ? before.lastTransitionTime : now.toISOString().replace(/\.\d+Z$/, 'Z');
    return { ...condition, lastTransitionTime, ...(generation === undefined ? {} : { observedGeneration: generation }) };
  });
}

/** True when writing `next` would change nothing a reader cares about. */
export function statusUnchanged(live: ServiceObservabilityStatus | undefined, next: ServiceObservabilityStatus): boolean {
  if (!live) return false;
  if (live.observedGeneration !== next.observedGeneration) return false;
  const liveConditions = live.conditions ?? [];
  const nextConditions = next.conditions ?? [];
  if (liveConditions.length !== nextConditions.length) return false;
  for (const condition of nextConditions) {
    const match = liveConditions.find((c) => c.type === condition.type);
    if (
      !match ||
      match.status !== condition.status ||
      match.reason !== condition.reason ||
      match.message !== condition.message ||
      match.observedGeneration !== condition.observedGeneration
    ) {
      return false;
    }
  }
  return JSON.stringify(sortKeys(live.outputs ?? {})) === JSON.stringify(sortKeys(next.outputs ?? {}));
}

function sortKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
