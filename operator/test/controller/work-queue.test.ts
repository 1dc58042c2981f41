import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../src/controller/work-queue.ts';

describe('WorkQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('queues a key once however often it is added', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('ns/a');
    expect(await queue.get()).toBe('ns/b');
    expect(queue.length).toBe(0);
  });

  it('never hands out a key that is being processed; a re-add waits for done()', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    const key = await queue.get();
    expect(key).toBe('ns/a');
    queue.add('ns/a');
    expect(queue.length).toBe(0);
    let second: string | undefined;
    void queue.get().then((k) => (second = k));
    await vi.advanceTimersByTimeAsync(10);
    expect(second).toBeUndefined();
    queue.done('ns/a');
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toBe('ns/a');
  });

  it('does not requeue on done() when nothing changed meanwhile', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    await queue.get();
    queue.done('ns/a');
    expect(queue.length).toBe(0);
  });

  it('retries failed keys with growing per-key delays and forgets them after success', async () => {
    const queue = new WorkQueue({ backoff: { baseMs: 100, maxMs: 1000 } });
    expect(queue.addRateLimited('ns/a')).toBe(100);
    expect(queue.length).toBe(0);
    await vi.advanceTimersByTimeAsync(99);
    expect(queue.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(queue.length).toBe(1);
    await queue.get();
    queue.done('ns/a');
    expect(queue.addRateLimited('ns/a')).toBe(200);
    expect(queue.addRateLimited('ns/b')).toBe(100);
    queue.forget('ns/a');
    expect(queue.failures('ns/a')).toBe(0);
    expect(queue.addRateLimited('ns/a')).toBe(100);
  });

  it('keeps the earlier of two pending delays for one key', async () => {
    const queue = new WorkQueue();
    queue.addAfter('ns/a', 1000);
    queue.addAfter('ns/a', 5000);
    queue.addAfter('ns/a', 300);
    expect(queue.delayedCount).toBe(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(queue.length).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(queue.length).toBe(1);
  });

  it('hands out keys no faster than the global rate limit', async () => {
    const queue = new WorkQueue({ perSecond: 10, burst: 2 });
    for (let i = 0; i < 5; i++) queue.add(`ns/k${i}`);
    const taken: string[] = [];
    const takeAll = async () => {
      for (let i = 0; i < 5; i++) {
        const key = await queue.get();
        if (key) taken.push(key);
      }
    };
    const done = takeAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(taken).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(taken).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(200);
    expect(taken).toHaveLength(5);
    await done;
  });

  it('releases waiting workers with undefined on shutdown and ignores later adds', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add('ns/a');
    expect(queue.length).toBe(0);
    expect(await queue.get()).toBeUndefined();
  });
});
