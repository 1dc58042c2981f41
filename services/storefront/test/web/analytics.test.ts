import { describe, expect, it } from 'vitest';
import { EventBatcher, type BatcherOptions, type ClickEvent } from '../../web/src/lib/analytics.ts';

/** Virtual timers: `fire()` runs whatever is scheduled. */
function harness(overrides: Partial<BatcherOptions> = {}) {
  const sent: ClickEvent[][] = [];
  const timers: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  let fail = false;
  const batcher = new EventBatcher({
    sessionId: 's-1',
    now: () => new Date('2026-11-21T08:00:00Z'),
    schedule: (run, ms) => {
      const timer = { run, ms, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
    send: async (events) => {
      if (fail) throw new Error('analytics down');
      sent.push(events);
    },
    maxBatch: 3,
    flushAfterMs: 2000,
    ...overrides,
  });
  return {
    batcher,
    sent,
    timers,
    setFailing: (value: boolean) => (fail = value),
    fire: async () => {
      for (const t of timers.splice(0)) if (!t.cancelled) t.run();
      await Promise.resolve();
      await Promise.resolve();
    },
  };
}

describe('EventBatcher', () => {
  it('sends after the delay, with session and time', async () => {
    const h = harness();
    h.batcher.track('product_view', { productId: 'p-1' });
    h.batcher.track('search', { query: 'tea' });
    expect(h.sent).toEqual([]);
    expect(h.timers).toHaveLength(1);
    expect(h.timers[0]!.ms).toBe(2000);
    await h.fire();
    expect(h.sent).toEqual([
      [
        { type: 'product_view', sessionId: 's-1', productId: 'p-1', at: '2026-11-21T08:00:00.000Z' },
        { type: 'search', sessionId: 's-1', query: 'tea', at: '2026-11-21T08:00:00.000Z' },
      ],
    ]);
    expect(h.batcher.sent).toBe(2);
  });

  it('sends at once when a batch is full and cancels the timer', async () => {
    const h = harness();
    h.batcher.track('add_to_cart', { productId: 'a' });
    h.batcher.track('add_to_cart', { productId: 'b' });
    h.batcher.track('checkout_started');
    await Promise.resolve();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toHaveLength(3);
    expect(h.timers[0]!.cancelled).toBe(true);
    expect(h.batcher.pending).toBe(0);
  });

  it('drops a failed batch without throwing, and keeps working', async () => {
    const h = harness();
    h.setFailing(true);
    h.batcher.track('page_view');
    await expect(h.batcher.flush()).resolves.toBeUndefined();
    expect(h.batcher.dropped).toBe(1);
    h.setFailing(false);
    h.batcher.track('page_view');
    await h.batcher.flush();
    expect(h.sent).toHaveLength(1);
    expect(h.batcher.sent).toBe(1);
  });

  it('bounds the queue, dropping the oldest', () => {
    const h = harness({ maxBatch: 1000, maxQueued: 5 });
    for (let i = 0; i < 8; i++) h.batcher.track('product_view', { productId: `p-${i}` });
    expect(h.batcher.pending).toBe(5);
    expect(h.batcher.dropped).toBe(3);
  });

  it('omits empty details and caps the query', async () => {
    const h = harness();
    h.batcher.track('search', { query: 'x'.repeat(300), productId: '' });
    await h.batcher.flush();
    expect(h.sent[0]![0]!.query).toHaveLength(200);
    expect(h.sent[0]![0]).not.toHaveProperty('productId');
  });

  it('carries search result counts and page paths, dropping nonsense counts', async () => {
    const h = harness();
    h.batcher.track('search', { query: 'tea', results: 0 });
    h.batcher.track('search', { query: 'tea', results: -1 });
    h.batcher.track('page_view', { path: '/products/p-1' });
    await h.batcher.flush();
    expect(h.sent[0]!.map((e) => [e.results, e.path])).toEqual([
      [0, undefined],
      [undefined, undefined],
      [undefined, '/products/p-1'],
    ]);
  });
});
