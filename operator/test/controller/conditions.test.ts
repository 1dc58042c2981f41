import { describe, expect, it } from 'vitest';
import { computeConditions, statusUnchanged, type ConditionOutcome, type OutputCondition } from '../../src/controller/conditions.ts';

const ready: Record<OutputCondition, ConditionOutcome> = {
  ScrapeReady: { state: 'ready', objects: ['ServiceMonitor shop'] },
  RulesReady: { state: 'ready', objects: ['PrometheusRule shop'] },
  DashboardReady: { state: 'disabled' },
};
const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T01:00:00Z');

describe('computeConditions', () => {
  it('is Ready when every output condition is true (disabled outputs count as fine)', () => {
    const conditions = computeConditions(ready, 3, undefined, t0);
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Reconciled'],
      ['ScrapeReady', 'True', 'Applied'],
      ['RulesReady', 'True', 'Applied'],
      ['DashboardReady', 'True', 'Disabled'],
    ]);
    expect(conditions.every((c) => c.observedGeneration === 3 && c.lastTransitionTime === '2026-01-01T00:00:00Z')).toBe(true);
  });

  it('carries the first problem reason to Ready and names the field in the message', () => {
    const conditions = computeConditions(
      {
        ...ready,
        RulesReady: {
          state: 'invalid',
          problems: [
            { condition: 'RulesReady', reason: 'InvalidPromQL', message: 'spec.alerts[0].expr: unexpected ")"' },
            { condition: 'RulesReady', reason: 'InvalidPromQL', message: 'spec.alerts[1].expr: bad' },
          ],
        },
      },
      4,
      undefined,
      t0,
    );
    const readyCondition = conditions.find((c) => c.type === 'Ready');
    const rules = conditions.find((c) => c.type === 'RulesReady');
    expect(readyCondition).toMatchObject({ status: 'False', reason: 'InvalidPromQL' });
    expect(readyCondition?.message).toContain('RulesReady: spec.alerts[0].expr');
    expect(rules?.message).toContain('and 1 more problems');
    expect(conditions.find((c) => c.type === 'ScrapeReady')?.status).toBe('True');
  });

  it('keeps lastTransitionTime while a status holds and moves it when the status flips', () => {
    const first = computeConditions(ready, 1, undefined, t0);
    const again = computeConditions(ready, 2, first, t1);
    expect(again.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    const broken = computeConditions({ ...ready, ScrapeReady: { state: 'failed', reason: 'MissingAPI', message: 'no CRD' } }, 2, first, t1);
    expect(broken.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-01-01T01:00:00Z');
    expect(broken.find((c) => c.type === 'RulesReady')?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
  });
});

describe('statusUnchanged', () => {
  const conditions = computeConditions(ready, 1, undefined, t0);
  const status = { observedGeneration: 1, conditions, outputs: { serviceMonitor: 'shop', prometheusRule: 'shop' } };

  it('is true for the same content regardless of key order', () => {
    expect(statusUnchanged(status, { ...status, outputs: { prometheusRule: 'shop', serviceMonitor: 'shop' } })).toBe(true);
  });

  it('is false for a new generation, a new message, or no live status', () => {
    expect(statusUnchanged(status, { ...status, observedGeneration: 2 })).toBe(false);
    const changed = conditions.map((c) => (c.type === 'Ready' ? { ...c, message: 'other' } : c));
    expect(statusUnchanged(status, { ...status, conditions: changed })).toBe(false);
    expect(statusUnchanged(undefined, status)).toBe(false);
  });
});
