import { describe, expect, it } from 'vitest';
import { progressEventId, replyEventId } from '../../src/domain/event-ids.ts';
import { cancelOutcome, estimatedDeliveryAt, nextStatus, stageDuration, type StageDurations } from '../../src/domain/shipment.ts';

const durations: StageDurations = { dispatchMs: 1_000, inTransitMs: 2_000, deliverMs: 4_000, expressFactor: 0.5, jitter: 0.2 };

describe('lifecycle', () => {
  it('moves pending → dispatched → in_transit → delivered and stops there', () => {
    expect(nextStatus('pending')).toBe('dispatched');
    expect(nextStatus('dispatched')).toBe('in_transit');
    expect(nextStatus('in_transit')).toBe('delivered');
    expect(nextStatus('delivered')).toBeUndefined();
    expect(nextStatus('cancelled')).toBeUndefined();
  });

  it('cancels only what has not left the warehouse', () => {
    expect(cancelOutcome('pending')).toBe('cancelled');
    expect(cancelOutcome('cancelled')).toBe('already_cancelled');
    expect(cancelOutcome('dispatched')).toBe('already_dispatched');
    expect(cancelOutcome('in_transit')).toBe('already_dispatched');
    expect(cancelOutcome('delivered')).toBe('already_dispatched');
  });
});

describe('simulated durations', () => {
  it('uses each stage nominal length, halved for express, varied by the jitter', () => {
    expect(stageDuration('pending', 'standard', durations, 0.5)).toBe(1_000);
    expect(stageDuration('dispatched', 'standard', durations, 0.5)).toBe(2_000);
    expect(stageDuration('in_transit', 'express', durations, 0.5)).toBe(2_000);
    expect(stageDuration('in_transit', 'standard', durations, 0)).toBe(3_200);
    expect(stageDuration('in_transit', 'standard', durations, 0.999999)).toBe(4_800);
  });

  it('promises the nominal total plus half the jitter plus the confirmation slack', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    expect(estimatedDeliveryAt(created, 'standard', durations, 500).getTime() - created.getTime()).toBe(7_700 + 500);
    expect(estimatedDeliveryAt(created, 'express', durations, 0).getTime() - created.getTime()).toBe(3_850);
  });
});

describe('event ids', () => {
  it('are name-based UUIDs, stable per command and per shipment step', () => {
    const command = '0b3f3a8e-8d47-4d3a-9a43-4b9ad0c1b7f1';
    expect(replyEventId(command)).toBe(replyEventId(command));
    expect(replyEventId(command)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(progressEventId(command, 'dispatched')).not.toBe(progressEventId(command, 'delivered'));
  });
});
