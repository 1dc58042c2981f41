// Delivers notifications. Each round: notifications that waited too long for their recipient
// fail; due ones are claimed (attempt counted, lease set; SKIP LOCKED so replicas share the work),
// sent concurrently outside any transaction, and their outcome recorded: sent, retry later with
// exponential backoff (next_attempt_at: the Kafka consumer never waits for a retry), or — after
// the last allowed attempt — failed and dead-lettered with reason `retries-exhausted`. Dead-letter
// records are published from the table (dead_letter_pending), so none is lost to a crash.
import type { DeadLetterMessage, Logger, Pool } from '@shopwatch/platform';
import { withTransaction } from '@shopwatch/platform';
import { afterAttempt, type RetrySettings } from '../domain/retry.ts';
import type { ChannelSender } from './channels.ts';
import type { NotificationsMetrics } from './notifications-metrics.ts';
import * as store from './notification-store.ts';

export interface DispatcherOptions {
  pool: Pool;
  channels: ChannelSender;
  metrics: NotificationsMetrics;
  logger: Logger;
  retry: RetrySettings;
  now?: () => Date;
  random?: () => number;
  batchSize?: number;
  leaseMs?: number;
  recipientWaitMs?: number;
  /** Publishes a dead-letter record; without it, records stay pending in the table. */
  deadLetter?: (message: DeadLetterMessage) => Promise<void>;
  consumerGroup?: string;
}

export class Dispatcher {
  private readonly o: Required<Omit<DispatcherOptions, 'deadLetter' | 'consumerGroup'>> & Pick<DispatcherOptions, 'deadLetter' | 'consumerGroup'>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private requested = false;
  private readonly abort = new AbortController();

  constructor(options: DispatcherOptions) {
    this.o = {
      now: () => new Date(),
      random: Math.random,
      batchSize: 50,
      leaseMs: 60_000,
      recipientWaitMs: 3_600_000,
      ...options,
    };
  }

  /** Runs a round now (or joins the one running, and runs another right after it). */
  round(): Promise<void> {
    this.requested = true;
    this.running ??= (async () => {
      while (this.requested && !this.abort.signal.aborted) {
        this.requested = false;
        await this.roundOnce();
      }
    })()
      .catch((error: unknown) => this.o.logger.warn({ err: error }, 'notification dispatch round failed, will retry'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** New notifications were stored: deliver them without waiting for the timer. */
  wake(): void {
    if (this.timer) void this.round();
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.round(), intervalMs);
    this.timer.unref();
    void this.round();
  }

  /** Stops the timer, interrupts attempts in progress (given back untried, for the next dispatcher) and waits for the round. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.running;
  }

  private async roundOnce(): Promise<void> {
    await this.failOrphans();
    // Bounded per round so one round cannot run forever; the next round continues.
    for (let batches = 0; batches < 20; batches++) {
      const claimed = await this.deliverBatch();
      if (claimed < this.o.batchSize) break;
    }
    await this.publishDeadLetters();
  }

  private async failOrphans(): Promise<void> {
    const before = new Date(this.o.now().getTime() - this.o.recipientWaitMs);
    const failed = await withTransaction(this.o.pool, async (client) => {
      const orphans = await store.claimOrphans(client, before, 500);
      for (const n of orphans) await store.markFailed(client, n.id, undefined, 'no_recipient', 'the order\'s user never became known', false, this.o.now());
      return orphans;
    });
    for (const n of failed) this.o.metrics.notifications.inc({ channel: n.channel, outcome: 'failed' });
  }

  private async deliverBatch(): Promise<number> {
    const at = this.o.now();
    const claimed = await store.claimDue(this.o.pool, at, new Date(at.getTime() + this.o.leaseMs), this.o.batchSize);
    await Promise.all(claimed.map((n) => this.deliver(n)));
    return claimed.length;
  }

  private async deliver(n: store.NotificationRecord): Promise<void> {
    let error: string | undefined;
    try {
      await this.o.channels.send(n.channel, n.message, this.abort.signal);
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const { metrics } = this.o;
    if (error !== undefined && this.abort.signal.aborted) {
      // Shutting down: the attempt did not really happen; whoever runs next tries it.
      await store.releaseClaim(this.o.pool, n.id, n.attempts, this.o.now());
      return;
    }
    metrics.attempts.inc({ channel: n.channel, outcome: error === undefined ? 'ok' : 'error' });
    const decision = afterAttempt(error === undefined, n.attempts, this.o.retry, this.o.random());
    const at = this.o.now();
    switch (decision.action) {
      case 'sent':
        if (await store.markSent(this.o.pool, n.id, n.attempts, at)) {
          metrics.notifications.inc({ channel: n.channel, outcome: 'sent' });
          metrics.deliverySeconds.observe({ channel: n.channel }, Math.max(0, (at.getTime() - n.createdAt.getTime()) / 1000));
        }
        return;
      case 'retry':
        await store.scheduleRetry(this.o.pool, n.id, n.attempts, error ?? 'unknown', new Date(at.getTime() + decision.delayMs), at);
        return;
      case 'dead-letter':
        if (await store.markFailed(this.o.pool, n.id, n.attempts, 'retries-exhausted', error ?? 'unknown', true, at)) {
          metrics.notifications.inc({ channel: n.channel, outcome: 'dead_lettered' });
          this.o.logger.warn({ notification: n.id, channel: n.channel, attempts: n.attempts }, 'notification dead-lettered after its last attempt');
        }
        return;
    }
  }

  private async publishDeadLetters(): Promise<void> {
    const publish = this.o.deadLetter;
    if (!publish) return;
    await withTransaction(this.o.pool, async (client) => {
      for (const n of await store.claimPendingDeadLetters(client, 100)) {
        await publish({
          key: n.orderId,
          value: JSON.stringify(n.envelope),
          headers: { 'notification-channel': n.channel, 'notification-id': n.id },
          origin: {
            reason: 'retries-exhausted',
            detail: `${n.channel} notification ${n.id} failed ${n.attempts} attempt(s); last error: ${n.lastError ?? 'unknown'}`,
            topic: n.sourceTopic,
            ...(this.o.consumerGroup ? { consumerGroup: this.o.consumerGroup } : {}),
          },
        });
        await store.deadLetterPublished(client, n.id);
      }
    });
  }
}
