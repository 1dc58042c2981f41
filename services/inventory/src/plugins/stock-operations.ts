// The inventory operations as the saga, the HTTP API and the sweeper use them: each runs inside
// the caller's transaction, changes stock through the store and writes its events (replies to
// commands, low-stock and expiry facts) to the outbox in the same transaction. Metrics are counted
// by the caller after the commit (`count*`), so a rolled-back attempt is never counted.
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { enqueueAll, type PoolClient } from '@shopwatch/platform';
import { expiryEventId, lowStockEventId, replyEventId } from '../domain/event-ids.ts';
import type { RequestedItem } from '../domain/reservation-plan.ts';
import type { InventoryFaults } from '../schemas/faults.ts';
import type { InventoryMetrics } from './inventory-metrics.ts';
import * as store from './stock-store.ts';

export const SOURCE = '/services/inventory';

export interface OperationsSettings {
  metrics: InventoryMetrics;
  now: () => Date;
  /** Service-wide low-stock threshold (a product may have its own). */
  defaultThreshold: number;
  /** Where inventory's replies and facts go (the registry's topic in production). */
  eventsTopic: string;
  /** Run-time faults from the faults file (none when absent). */
  faults?: () => InventoryFaults;
}

/** The command being answered, when an operation runs for a saga command. */
export interface CommandRef {
  id: string;
}

export interface StockOperations {
  reserve(client: PoolClient, input: { orderId: string; items: readonly RequestedItem[]; expiresAt: Date }, command?: CommandRef): Promise<store.ReserveOutcome>;
  release(client: PoolClient, input: { orderId: string; reason: string }, command?: CommandRef): Promise<store.ReleaseOutcome>;
  commit(client: PoolClient, input: { orderId: string }, command?: CommandRef): Promise<store.CommitOutcome>;
  /** Sets the counted units on hand; records a low-stock fact on a downward crossing. */
  countStock(client: PoolClient, input: { productId: string; onHand: number; lowStockThreshold?: number | undefined }): Promise<store.StockCountOutcome>;
  /** Releases one expired reservation (if any) and records the `released` fact. */
  releaseOneExpired(client: PoolClient): Promise<store.Reservation | undefined>;
  countReserve(outcome: store.ReserveOutcome, seconds: number): void;
  countRelease(outcome: store.ReleaseOutcome): void;
  countCommit(outcome: store.CommitOutcome): void;
}

export function createStockOperations(settings: OperationsSettings): StockOperations {
  const { metrics, now, defaultThreshold } = settings;
  const options = (id: string) => ({ source: SOURCE, now, id });
  const write = (client: PoolClient, events: ShopEvent[]) => enqueueAll(client, events, { topic: settings.eventsTopic });

  return {
    async reserve(client, input, command) {
      const outcome = await store.reserve(client, { ...input, now: now(), defaultThreshold });
      const slowQueryMs = settings.faults?.().slowQueryMs ?? 0;
      // Injected fault: a slow statement while this transaction holds the stock row locks.
      if (slowQueryMs > 0) await client.query('SELECT pg_sleep($1::float8)', [slowQueryMs / 1000]);
      const events: ShopEvent[] = [];
      if (command) {
        events.push(
          outcome.status === 'reserved'
            ? makeEvent(
                'shop.inventory.stock.reserved',
                input.orderId,
                { orderId: input.orderId, commandId: command.id, items: outcome.reservation.items, expiresAt: outcome.reservation.expiresAt },
                options(replyEventId(command.id, 'shop.inventory.stock.reserved')),
              )
            : makeEvent(
                'shop.inventory.stock.reservation-failed',
                input.orderId,
                { orderId: input.orderId, commandId: command.id, reason: outcome.reason, shortfall: outcome.shortfall },
                options(replyEventId(command.id, 'shop.inventory.stock.reservation-failed')),
              ),
        );
      }
      if (outcome.status === 'reserved') {
        for (const low of outcome.lowStock) {
          events.push(makeEvent('shop.inventory.stock.low', low.productId, low, options(lowStockEventId(low.productId, `reserve:${input.orderId}`))));
        }
      }
      await write(client, events);
      return outcome;
    },

    async release(client, input, command) {
      const outcome = await store.release(client, input.orderId, input.reason, now(), defaultThreshold);
      if (command) {
        const reservation = outcome.outcome === 'not_reserved' ? undefined : outcome.reservation;
        const reason = outcome.outcome === 'already_released' ? (reservation?.releaseReason ?? input.reason) : input.reason;
        await write(client, [
          makeEvent(
            'shop.inventory.stock.released',
            input.orderId,
            { orderId: input.orderId, commandId: command.id, reason, outcome: outcome.outcome, items: reservation?.items ?? [] },
            options(replyEventId(command.id, 'shop.inventory.stock.released')),
          ),
        ]);
      }
      return outcome;
    },

    async commit(client, input, command) {
      const outcome = await store.commit(client, input.orderId, now(), defaultThreshold);
      if (command) {
        await write(client, [
          outcome.status === 'committed'
            ? makeEvent(
                'shop.inventory.stock.committed',
                input.orderId,
                { orderId: input.orderId, commandId: command.id, items: outcome.reservation.items },
                options(replyEventId(command.id, 'shop.inventory.stock.committed')),
              )
            : makeEvent(
                'shop.inventory.stock.commit-failed',
                input.orderId,
                { orderId: input.orderId, commandId: command.id, reason: outcome.reason },
                options(replyEventId(command.id, 'shop.inventory.stock.commit-failed')),
              ),
        ]);
      }
      return outcome;
    },

    async countStock(client, input) {
      const outcome = await store.countStock(client, input.productId, input.onHand, input.lowStockThreshold, defaultThreshold, now());
      if (outcome.status === 'counted' && outcome.lowStock) {
        // Counts have no natural id (unlike an order's reservation): a random event id.
        await write(client, [makeEvent('shop.inventory.stock.low', input.productId, outcome.lowStock, { source: SOURCE, now })]);
        metrics.lowStockSignals.inc();
      }
      return outcome;
    },

    async releaseOneExpired(client) {
      const released = await store.releaseOneExpired(client, now(), defaultThreshold);
      if (!released) return undefined;
      await write(client, [
        makeEvent(
          'shop.inventory.stock.released',
          released.orderId,
          { orderId: released.orderId, reason: 'expired', outcome: 'released', items: released.items },
          options(expiryEventId(released.orderId)),
        ),
      ]);
      return released;
    },

    countReserve(outcome, seconds) {
      const label = outcome.status === 'reserved' ? 'reserved' : outcome.reason;
      metrics.reserveDuration.observe({ outcome: outcome.status }, seconds);
      // A repeat for an order that already has its reservation is not a new attempt.
      if (outcome.status === 'reserved' && !outcome.created) return;
      metrics.reservations.inc({ outcome: label });
      if (outcome.status === 'reserved') {
        metrics.unitsReserved.inc(outcome.reservation.items.reduce((sum, item) => sum + item.quantity, 0));
        if (outcome.lowStock.length > 0) metrics.lowStockSignals.inc(outcome.lowStock.length);
      }
    },
    countRelease(outcome) {
      if (outcome.outcome === 'released') metrics.settlements.inc({ outcome: 'released' });
    },
    countCommit(outcome) {
      if (outcome.status === 'committed' && outcome.created) metrics.settlements.inc({ outcome: 'committed' });
    },
  };
}
