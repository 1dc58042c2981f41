import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteBehindBuffer, type WriteBehindBufferOptions } from '../../src/buffer/write-behind-buffer.ts';

/** A write target that records batches and can be made to fail or to hang until released. */
function target() {
  const batches: number[][] = [];
  let failures = 0;
  let gate: { promise: Promise<void>; release: () => void } | undefined;
  return {
    batches,
    written: () => batches.flat(),
    failNext(n: number) {
      failures = n;
    },
    hold() {
      let release!: () => void;
      gate = { promise: new Promise<void>((resolve) => (release = resolve)), release: () => release() };
      return gate;
    },
    write: async (batch: readonly number[]) => {
      if (gate) {
        const held = gate;
        gate = undefined;
        await held.promise;
      }
      if (failures > 0) {
        failures--;
        throw new Error('database is down');
      }
      batches.push([...batch]);
    },
  };
}

function buffer(t: ReturnType<typeof target>, options: Partial<WriteBehindBufferOptions<number>> = {}) {
  const events = { sizes: [] as number[], errors: [] as number[], dropped: 0 };
  const b = new WriteBehindBuffer<number>({
    write: t.write,
    flushIntervalMs: 1_000,
    maxBuffered: 3,
    maxRetained: 6,
    onSizeChange: (size) => events.sizes.push(size),
    onWriteError: (_error, pending) => events.errors.push(pending),
    onDropped: (count) => (events.dropped += count),
    ...options,
  });
  return { b, events };
}

describe('WriteBehindBuffer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes waiting items once per interval, in one batch', async () => {
    const t = target();
    const { b } = buffer(t);
    b.add([1]);
    b.add([2]);
    expect(t.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(t.batches).toEqual([[1, 2]]);
    expect(b.size).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000); // nothing waiting: no empty write
    expect(t.batches).toEqual([[1, 2]]);
    await b.close();
  });

  it('writes early once maxBuffered items wait', async () => {
    const t = target();
    const { b } = buffer(t);
    b.add([1, 2]);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.batches).toEqual([]);
    b.add([3]);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.batches).toEqual([[1, 2, 3]]);
    await b.close();
  });

  it('close() writes what is left and stops the interval; later items are written at once', async () => {
    const t = target();
    const { b } = buffer(t);
    b.add([1]);
    await b.close();
    expect(t.batches).toEqual([[1]]);
    b.add([2]);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.batches).toEqual([[1], [2]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('flush() during a write waits for it and then writes what was added meanwhile', async () => {
    const t = target();
    const { b } = buffer(t);
    const gate = t.hold();
    b.add([1]);
    const first = b.flush();
    b.add([2]);
    const second = b.flush();
    gate.release();
    await first;
    await second;
    expect(t.batches).toEqual([[1], [2]]);
    await b.close();
  });

  it('a failed write keeps its items in order and the next interval retries them, without loss', async () => {
    const t = target();
    const { b, events } = buffer(t);
    t.failNext(2);
    b.add([1, 2]);
    await b.flush();
    expect(events.errors).toEqual([2]);
    b.add([3]);
    await vi.advanceTimersByTimeAsync(1_000); // second failure
    expect(events.errors).toEqual([2, 3]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(t.written()).toEqual([1, 2, 3]);
    expect(events.dropped).toBe(0);
    expect(events.sizes.at(-1)).toBe(0);
    await b.close();
  });

  it('while writes fail, reaching maxBuffered does not start a write per added item', async () => {
    const t = target();
    const write = vi.fn(t.write);
    const { b } = buffer(t, { write, maxRetained: 100 });
    t.failNext(1);
    b.add([1, 2, 3]); // size reached: one write, which fails
    await vi.advanceTimersByTimeAsync(0);
    expect(write).toHaveBeenCalledTimes(1);
    for (let i = 4; i < 10; i++) b.add([i]);
    await vi.advanceTimersByTimeAsync(0);
    expect(write).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000); // the interval retries, and it succeeds
    expect(write).toHaveBeenCalledTimes(2);
    expect(t.written()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await b.close();
  });

  it('keeps at most maxRetained items while writes fail, dropping the oldest and counting them', async () => {
    const t = target();
    const { b, events } = buffer(t);
    t.failNext(Number.POSITIVE_INFINITY);
    b.add([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(0);
    b.add([4, 5, 6, 7, 8]);
    expect(b.size).toBe(6);
    expect(events.dropped).toBe(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.size).toBe(6);
    t.failNext(0);
    await b.close();
    expect(t.written()).toEqual([3, 4, 5, 6, 7, 8]);
    expect(events.dropped).toBe(2);
  });

  it('close() with the database down reports the failure and keeps the items (it does not throw)', async () => {
    const t = target();
    const { b, events } = buffer(t);
    t.failNext(1);
    b.add([1]);
    await expect(b.close()).resolves.toBeUndefined();
    expect(events.errors).toEqual([1]);
    expect(b.size).toBe(1);
  });

  it('refuses limits that cannot work', () => {
    const t = target();
    expect(() => new WriteBehindBuffer({ write: t.write, maxBuffered: 0 })).toThrow('1 ≤ maxBuffered ≤ maxRetained');
    expect(() => new WriteBehindBuffer({ write: t.write, maxBuffered: 10, maxRetained: 5 })).toThrow('1 ≤ maxBuffered ≤ maxRetained');
  });
});
