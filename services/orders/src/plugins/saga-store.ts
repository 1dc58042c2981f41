// The saga's I/O edge. Every transition the pure state machine (domain/saga.ts) returns is
// persisted in ONE transaction: the order row (saga state and read model), its audit-log entries
// and the commands/facts in the outbox. Metrics are recorded only after the commit.
//   - placing an order: insert + log + order.placed + reserve command;
//   - a reply (from the consumer): inbox record (handleOnce) + `SELECT … FOR UPDATE` on the order,
//     so a redelivered reply has no second effect and replies to one order apply one at a time;
//   - a timeout (from the sweeper): overdue orders claimed with `FOR UPDATE SKIP LOCKED`, so
//     sweepers on several replicas never take the same order.
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { ShopEvent } from '@shopwatch/contracts';
import { activeTraceHeaders, enqueue, handleOnce, withTransaction, type InboxMetrics, type Logger, type Pool, type PoolClient } from '@shopwatch/platform';
import { onReply, onTimeout, startSaga, type PlacedOrder, type ReplyEvent, type SagaContext, type SagaSettings, type Transition } from '../domain/saga.ts';
import { record, type OrdersMetrics } from './orders-metrics.ts';
import * as repo from './orders-repository.ts';

/** Where each kind of message goes (unique names in tests, the registry's in production). */
export interface SagaTopics {
  ordersEvents: string;
  inventoryCommands: string;
  paymentsCommands: string;
  shippingCommands: string;
}

export function topicOf(topics: SagaTopics, event: ShopEvent): string {
  if (event.type.startsWith('shop.inventory.')) return topics.inventoryCommands;
  if (event.type.startsWith('shop.payments.')) return topics.paymentsCommands;
  if (event.type.startsWith('shop.shipping.')) return topics.shippingCommands;
  return topics.ordersEvents;
}

export interface SagaStoreOptions {
  pool: Pool;
  metrics: OrdersMetrics;
  settings: SagaSettings;
  topics: SagaTopics;
  logger: Logger;
  now?: () => Date;
  newId?: () => string;
}

export type PlaceOutcome = { status: 'placed'; transition: Transition } | { status: 'idempotency-key-taken' };

export class SagaStore {
  readonly #pool: Pool;
  readonly #metrics: OrdersMetrics;
  readonly #settings: SagaSettings;
  readonly #topics: SagaTopics;
  readonly #logger: Logger;
  readonly now: () => Date;
  readonly #newId: () => string;

  constructor(options: SagaStoreOptions) {
    this.#pool = options.pool;
    this.#metrics = options.metrics;
    this.#settings = options.settings;
    this.#topics = options.topics;
    this.#logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.#newId = options.newId ?? (() => crypto.randomUUID());
  }

  get settings(): SagaSettings {
    return this.#settings;
  }

  #context(now: Date): SagaContext {
    return { now, newId: this.#newId, settings: this.#settings };
  }

  /** Writes a transition's state (if it changed), log entries and messages with `client`. */
  async #persist(client: PoolClient, transition: Transition, now: Date): Promise<void> {
    if (transition.changed) await repo.saveSagaWithLog(client, transition.state, now, transition.log);
    else await repo.appendLog(client, transition.state.order.orderId, now, transition.log);
    // One key (the order id) per transition: plain enqueue calls cannot deadlock on key locks.
    for (const message of transition.messages) await enqueue(client, message, { topic: topicOf(this.#topics, message) });
  }

  /** A new order: its row, the placed fact and the first command, or nothing if the key was used. */
  async place(order: PlacedOrder, meta: { idempotencyKey: string | undefined; fingerprint: string | undefined }, now: Date): Promise<PlaceOutcome> {
    const transition = startSaga(order, this.#context(now));
    const traceHeaders = activeTraceHeaders();
    const placed = await withTransaction(this.#pool, async (client) => {
      if (!(await repo.insertOrder(client, transition.state, { ...meta, traceHeaders }))) return false;
      await repo.appendLog(client, order.orderId, now, transition.log);
      for (const message of transition.messages) await enqueue(client, message, { topic: topicOf(this.#topics, message) });
      return true;
    });
    if (!placed) return { status: 'idempotency-key-taken' };
    this.#metrics.placed.inc();
    this.#metrics.orderValue.observe(order.totalCents);
    record(this.#metrics, transition.observations);
    return { status: 'placed', transition };
  }

  /**
   * Applies a participant's reply exactly once (inbox) to its order, locked. Returns undefined for
   * a duplicate delivery or an order this service does not know.
   */
  async applyReply(consumerGroup: string, reply: ReplyEvent, inboxMetrics?: InboxMetrics): Promise<Transition | undefined> {
    const orderId = reply.data.orderId;
    const outcome = await handleOnce(
      this.#pool,
      consumerGroup,
      reply,
      async (client) => {
        const locked = UUID.test(orderId) ? await repo.lockOrder(client, orderId) : undefined;
        if (!locked) return undefined;
        const now = this.now();
        const transition = onReply(locked.state, reply, this.#context(now));
        await this.#persist(client, transition, now);
        return transition;
      },
      inboxMetrics,
    );
    if (outcome.status === 'duplicate') return undefined;
    if (!outcome.result) {
      this.#logger.debug({ orderId, type: reply.type, eventId: reply.id }, 'reply for an unknown order ignored');
      return undefined;
    }
    record(this.#metrics, outcome.result.observations);
    return outcome.result;
  }

  /**
   * Times out up to `limit` overdue steps in one transaction. Each order's commands are written
   * inside the trace context of the request that placed it, so they continue the order's trace.
   */
  async sweep(limit: number): Promise<Transition[]> {
    const now = this.now();
    const transitions = await withTransaction(this.#pool, async (client) => {
      const claimed = await repo.claimOverdue(client, now, limit);
      const done: Transition[] = [];
      for (const { state, traceHeaders } of claimed) {
        const transition = onTimeout(state, this.#context(now));
        await context.with(propagation.extract(ROOT_CONTEXT, traceHeaders), () => this.#persist(client, transition, now));
        done.push(transition);
      }
      return done;
    });
    for (const transition of transitions) record(this.#metrics, transition.observations);
    return transitions;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Sweeper {
  stop(): Promise<void>;
}

/**
 * Runs `store.sweep` every `intervalMs` (immediately again after a full batch). An error (database
 * down) is logged and the next tick tries again.
 */
export function startSweeper(store: SagaStore, options: { intervalMs: number; batchSize?: number; logger: Logger }): Sweeper {
  const batchSize = options.batchSize ?? 100;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      for (;;) {
        const swept = await store.sweep(batchSize);
        if (swept.length > 0) options.logger.info({ timedOut: swept.length }, 'saga steps timed out');
        if (swept.length < batchSize || stopped) break;
      }
    } catch (error) {
      options.logger.warn({ err: error }, 'saga sweep failed; retrying at the next interval');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
