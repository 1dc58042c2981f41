// Event consumer runner. For each message, in partition order:
//   1. parse and validate it with contracts; an unusable message is dead-lettered with the reason;
//   2. run the handler inside the trace context carried in the headers;
//   3. on success mark the offset, on a permanent error (the platform's one classifier, retry.ts)
//      dead-letter it with the reason, on a transient error retry with backoff (heartbeating, so
//      the group does not evict us while we wait) — and report not ready while retrying;
//   4. commit marked offsets every `commitEvery` messages and at the end of each batch.
// Offsets are committed only after the handler (or the dead-letter write) succeeded, so a crash
// means redelivery, never loss; handlers make redelivery harmless with the inbox.
import { setTimeout as sleep } from 'node:timers/promises';
import { DEAD_LETTER_TOPIC, parseEvent, type ShopEvent } from '@shopwatch/contracts';
import type { Batch, Consumer, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import { kafkaOf, type KafkaClient, type KafkaLogger } from './client.ts';
import { normalizeHeaders, type DeadLetterOrigin } from './headers.ts';
import { kafkaMetrics } from './metrics.ts';
import { createEventProducer } from './producer.ts';
import { backoffDelay, classifyError, DEFAULT_RETRY_POLICY, describeError, type RetryPolicy } from './retry.ts';
import { withConsumerSpan } from './tracing.ts';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Readonly<Record<string, string>>;
  /** 1 for the first try in this process, then 2, 3, ... for retries after transient errors. */
  attempt: number;
  /** Aborted when the consumer stops; a long handler may give up (the message is redelivered later). */
  signal: AbortSignal;
}

export type EventHandler = (event: ShopEvent, message: MessageContext) => Promise<void>;

export interface EventConsumerOptions {
  client: KafkaClient;
  groupId: string;
  topics: readonly string[];
  handler: EventHandler;
  /** Where the kafka_* consumer metrics are registered. */
  registry: Registry;
  /** Start from the earliest offset when the group has no committed offset (default false: latest). */
  fromBeginning?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Defaults to `shop.deadletter.v1`. */
  deadLetterTopic?: string;
  /** Partitions handled in parallel by this instance (default 1); order within a partition is always kept. */
  partitionsConsumedConcurrently?: number;
  /** Commit after this many handled messages within a batch (default 100), and always at batch end. */
  commitEvery?: number;
  sessionTimeoutMs?: number;
  /**
   * Longest a fetch waits for new messages (default 1000 ms). It also bounds how long stop() waits
   * for an idle fetch to return, so keep it well under the shutdown deadline.
   */
  maxWaitTimeMs?: number;
  logger?: KafkaLogger;
  now?: () => Date;
  random?: () => number;
}

export interface ConsumerHealth {
  ok: boolean;
  /** `running`, `joining`, `retrying <where> (attempt n): <error>`, `crashed: <message>` or `stopped`; for /readyz. */
  detail: string;
}

export interface EventConsumer {
  health(): ConsumerHealth;
  /** Finishes the message in hand (or abandons its retries), commits, leaves the group, disconnects. */
  stop(): Promise<void>;
}

type Outcome = 'handled' | 'dead_lettered' | 'aborted';

export async function startEventConsumer(options: EventConsumerOptions): Promise<EventConsumer> {
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const commitEvery = options.commitEvery ?? 100;
  const random = options.random ?? Math.random;
  const metrics = kafkaMetrics(options.registry);
  const stopping = new AbortController();
  let state: ConsumerHealth = { ok: false, detail: 'joining' };
  // Messages whose handler is failing and being retried, by topic/partition: while any is, the
  // consumer is not ready (it is stuck on something that may need people), ready again after.
  const retrying = new Map<string, string>();

  const deadLetters = createEventProducer({
    client: options.client,
    registry: options.registry,
    deadLetterTopic: options.deadLetterTopic ?? DEAD_LETTER_TOPIC,
    ...(options.now ? { now: options.now } : {}),
  });
  const consumer: Consumer = kafkaOf(options.client).consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
    // Unknown topics are a deployment error; topics are provisioned with ensureTopics.
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    state = { ok: true, detail: 'running' };
  });
  consumer.on(consumer.events.CRASH, (event) => {
    const { error, restart } = event.payload;
    state = restart ? { ok: false, detail: `restarting after: ${error.message}` } : { ok: false, detail: `crashed: ${error.message}` };
    options.logger?.error({ err: error, groupId: options.groupId, restart }, 'kafka consumer crashed');
  });

  async function deadLetter(message: KafkaMessage, headers: Record<string, string>, origin: DeadLetterOrigin): Promise<Outcome> {
    await deadLetters.deadLetter({ key: message.key, value: message.value, headers, origin });
    options.logger?.warn({ ...origin, groupId: options.groupId }, 'message dead-lettered');
    return 'dead_lettered';
  }

  async function handle(batch: Batch, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<Outcome> {
    const { topic, partition } = batch;
    const headers = normalizeHeaders(message.headers);
    const where = { topic, partition, offset: message.offset, consumerGroup: options.groupId };
    const parsed = parseEvent(message.value ?? '');
    if (!parsed.ok) return deadLetter(message, headers, { ...where, reason: parsed.reason, detail: parsed.detail });

    for (let attempt = 1; ; attempt += 1) {
      const started = performance.now();
      try {
        await withConsumerSpan(topic, options.groupId, headers, parsed.event.id, () =>
          options.handler(parsed.event, {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            headers,
            attempt,
            signal: stopping.signal,
          }),
        );
        metrics.handlerDuration.observe({ topic, outcome: 'ok' }, (performance.now() - started) / 1000);
        return 'handled';
      } catch (error) {
        metrics.handlerDuration.observe({ topic, outcome: 'error' }, (performance.now() - started) / 1000);
        const detail = describeError(error);
        if (classifyError(error) === 'permanent') return deadLetter(message, headers, { ...where, reason: 'handler-rejected', detail });
        if (attempt >= retry.maxAttempts) return deadLetter(message, headers, { ...where, reason: 'retries-exhausted', detail });
        if (stopping.signal.aborted) return 'aborted';
        metrics.handlerRetries.inc({ topic });
        retrying.set(`${topic}[${partition}]`, `offset ${message.offset} (attempt ${attempt}): ${detail.slice(0, 300)}`);
        options.logger?.warn({ ...where, attempt, err: error }, 'handler failed, retrying');
        await pauseWithHeartbeat(backoffDelay(attempt, retry, random), heartbeat, stopping.signal);
        if (stopping.signal.aborted) return 'aborted';
      }
    }
  }

  /** Handles one message; whatever the outcome, its partition is no longer retrying afterwards. */
  async function handleTracked(batch: Batch, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<Outcome> {
    try {
      return await handle(batch, message, heartbeat);
    } finally {
      retrying.delete(`${batch.topic}[${batch.partition}]`);
    }
  }

  await deadLetters.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const { topic, partition } = batch;
      const heartbeat = () => payload.heartbeat();
      const labels = { group: options.groupId, topic, partition: String(partition) };
      metrics.consumerLag.set(labels, Number(batch.offsetLagLow()));
      const commit = () => payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      let sinceCommit = 0;
      try {
        for (const message of batch.messages) {
          if (!payload.isRunning() || payload.isStale() || stopping.signal.aborted) break;
          const outcome = await handleTracked(batch, message, heartbeat);
          if (outcome === 'aborted') break;
          metrics.consumed.inc({ topic, outcome });
          payload.resolveOffset(message.offset);
          metrics.consumerLag.set(labels, Math.max(0, Number(batch.highWatermark) - 1 - Number(message.offset)));
          sinceCommit += 1;
          if (sinceCommit >= commitEvery) {
            await commit();
            sinceCommit = 0;
          }
          await heartbeat();
        }
      } finally {
        // Also on errors (a failed dead-letter write, a rebalance): keep the progress already made.
        if (sinceCommit > 0) await commit();
      }
    },
  });

  return {
    health: () => {
      if (!state.ok || retrying.size === 0) return state;
      const [where, detail] = retrying.entries().next().value!;
      return { ok: false, detail: `retrying ${where} ${detail}${retrying.size > 1 ? ` (and ${retrying.size - 1} more partitions)` : ''}` };
    },
    async stop() {
      stopping.abort();
      await consumer.disconnect();
      await deadLetters.disconnect();
      state = { ok: false, detail: 'stopped' };
    },
  };
}

/** Waits `ms`, heartbeating every second so the group coordinator keeps us; returns early on stop. */
async function pauseWithHeartbeat(ms: number, heartbeat: () => Promise<void>, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + ms;
  while (!signal.aborted && Date.now() < deadline) {
    try {
      await sleep(Math.min(1_000, deadline - Date.now()), undefined, { signal });
    } catch {
      return; // aborted
    }
    await heartbeat();
  }
}
