// The checkout saga as a pure state machine: (state, input) → new state, the messages to send
// (commands to participants and the order's own facts), audit-log entries and observations for
// metrics. No I/O, no clock, no randomness: time and ids are injected, so every transition,
// compensation path and stale reply is unit-tested as data, and the adapter (saga-store.ts)
// persists the result and writes the messages to the outbox in one transaction.
//
//   forward:      reserve_stock → authorize_payment → create_shipment → capture_payment → commit_stock → confirmed
//   on failure:   cancel_shipment → void_payment | refund_payment → release_stock (only what is held or possibly held) → cancelled
//
// The pivot: capture is the point of no return. Before it, an unanswered step re-sends its
// (idempotent) command every step timeout until the step budget is spent, and only then cancels
// with `step_timeout`, so a participant that is down for a minute delays orders and cancels none.
// From the capture command on, steps are re-sent until answered and never time out into a
// cancellation: a timeout says nothing about what happened, and undoing a capture costs a refund.
// Only a real failure reply after capture (a commit refused because the reservation is gone)
// cancels, and then the captured money is refunded.
import { makeEvent, type Destination, type OrderLine, type SagaStep, type ShippingMethod, type ShopEvent } from '@shopwatch/contracts';

export type CompensationStep = 'cancel_shipment' | 'void_payment' | 'refund_payment' | 'release_stock';
export type Step = SagaStep | CompensationStep;
/** `pending` while the saga goes forward, `cancelling` while it compensates; the last two are terminal. */
export type OrderStatus = 'pending' | 'cancelling' | 'confirmed' | 'cancelled';

/** What the order holds at each participant. `maybe`: a command timed out, it may have taken effect. */
export type StockHold = 'none' | 'maybe' | 'reserved' | 'committed' | 'released';
export type PaymentHold = 'none' | 'maybe' | 'authorized' | 'maybe_captured' | 'captured' | 'voided' | 'refunded';
export type ShipmentHold = 'none' | 'maybe' | 'created' | 'cancelled';

/** The order as placed; never changes during the saga. */
export interface PlacedOrder {
  orderId: string;
  userId: string;
  lines: OrderLine[];
  totalCents: number;
  currency: string;
  destination: Destination;
  method: ShippingMethod;
  cardToken?: string;
  /** RFC 3339. */
  placedAt: string;
}

export interface SagaState {
  order: PlacedOrder;
  status: OrderStatus;
  /** The step whose reply is awaited; null once terminal. */
  step: Step | null;
  /** The latest command of the current step: a reply must answer it... */
  awaitedCommandId: string | null;
  /**
   * ...or an earlier send of the same step (a compensation re-sent after a timeout is the same
   * idempotent request, so the first send's late reply confirms it just as well).
   */
  stepCommandIds: string[];
  /** When the current step was FIRST sent (re-sends keep it): the step budget counts from here. */
  stepStartedAt: string | null;
  stepDeadline: string | null;
  /** Sends of the current step (every step is re-sent after a timeout; see the pivot rule above). */
  stepAttempt: number;
  stock: StockHold;
  payment: PaymentHold;
  shipment: ShipmentHold;
  paymentId: string | null;
  shipmentId: string | null;
  failure: { reason: string; failedStep: SagaStep } | null;
  /** Compensations still to run after the current one, in order. */
  compensations: CompensationStep[];
  /** A captured payment could not be refunded by the saga: someone must do it by hand. */
  refundRequired: boolean;
  completedAt: string | null;
}

export interface SagaSettings {
  /** How long one send of a step waits for its reply before the command is re-sent. */
  stepTimeoutMs: number;
  /**
   * How long a step before the capture may go unanswered in total (re-sends included) before the
   * order is cancelled with `step_timeout`. Steps from the capture on have no budget.
   */
  stepBudgetMs: number;
  /** Events' `source`. */
  source: string;
  /** Weight per unit for the shipment; the parcel is capped at 70 kg. */
  unitWeightGrams: number;
  /** Sends of one compensation before the saga moves on without its confirmation. */
  maxCompensationAttempts: number;
}

export const DEFAULT_UNIT_WEIGHT_GRAMS = 500;
export const MAX_PARCEL_GRAMS = 70_000;
export const DEFAULT_MAX_COMPENSATION_ATTEMPTS = 5;
export const DEFAULT_STEP_TIMEOUT_MS = 15_000;
export const DEFAULT_STEP_BUDGET_MS = 120_000;
/** Forward steps after the reservation is made; the reservation must outlive all of them. */
const FORWARD_STEPS = 5;

export interface SagaContext {
  now: Date;
  newId: () => string;
  settings: SagaSettings;
}

export type LogKind =
  | 'placed'
  | 'command_sent'
  | 'reply_received'
  | 'stale_reply'
  | 'step_timed_out'
  | 'compensation_started'
  | 'compensation_unconfirmed'
  | 'refund_required'
  | 'refunded'
  | 'confirmed'
  | 'cancelled';

export interface LogEntry {
  kind: LogKind;
  step: Step | null;
  commandId: string | null;
  eventId: string | null;
  detail: Record<string, unknown>;
}

export type Observation =
  | { kind: 'step'; step: Step; outcome: 'ok' | 'failed' | 'timeout'; seconds: number }
  | { kind: 'step_timeout'; step: Step }
  | { kind: 'resend'; step: Step }
  | { kind: 'refunded' }
  | { kind: 'completed'; outcome: 'confirmed' | 'cancelled'; reason: string; seconds: number }
  | { kind: 'refund_required' };

export interface Transition {
  state: SagaState;
  /** False for a stale reply or a timeout that is not due: nothing but an audit entry may be written. */
  changed: boolean;
  /** Commands and facts, in the order they must be published. */
  messages: ShopEvent[];
  log: LogEntry[];
  observations: Observation[];
}

/** Replies the orchestrator consumes (everything else on the participants' topics is ignored). */
export const REPLY_TYPES = [
  'shop.inventory.stock.reserved',
  'shop.inventory.stock.reservation-failed',
  'shop.inventory.stock.committed',
  'shop.inventory.stock.commit-failed',
  'shop.inventory.stock.released',
  'shop.payments.payment.authorized',
  'shop.payments.payment.authorization-failed',
  'shop.payments.payment.captured',
  'shop.payments.payment.capture-failed',
  'shop.payments.payment.voided',
  'shop.payments.payment.void-failed',
  'shop.payments.payment.refunded',
  'shop.payments.payment.refund-failed',
  'shop.shipping.shipment.created',
  'shop.shipping.shipment.creation-failed',
  'shop.shipping.shipment.cancelled',
] as const;
export type ReplyType = (typeof REPLY_TYPES)[number];
export type ReplyEvent = ShopEvent<ReplyType>;
const replyTypes: ReadonlySet<string> = new Set(REPLY_TYPES);

export function isReply(event: ShopEvent): event is ReplyEvent {
  return replyTypes.has(event.type);
}

/** The reply types that answer each step. */
const ANSWERS: Record<Step, readonly ReplyType[]> = {
  reserve_stock: ['shop.inventory.stock.reserved', 'shop.inventory.stock.reservation-failed'],
  authorize_payment: ['shop.payments.payment.authorized', 'shop.payments.payment.authorization-failed'],
  create_shipment: ['shop.shipping.shipment.created', 'shop.shipping.shipment.creation-failed'],
  capture_payment: ['shop.payments.payment.captured', 'shop.payments.payment.capture-failed'],
  commit_stock: ['shop.inventory.stock.committed', 'shop.inventory.stock.commit-failed'],
  cancel_shipment: ['shop.shipping.shipment.cancelled'],
  void_payment: ['shop.payments.payment.voided', 'shop.payments.payment.void-failed'],
  refund_payment: ['shop.payments.payment.refunded', 'shop.payments.payment.refund-failed'],
  release_stock: ['shop.inventory.stock.released'],
};

/** Reasons that become the `reason` label of shop_orders_completed_total; anything else is `other`. */
const KNOWN_REASONS: ReadonlySet<string> = new Set([
  'out_of_stock',
  'unknown_product',
  'reservation_expired',
  'reservation_released',
  'reservation_not_found',
  'declined',
  'psp_unavailable',
  'timeout',
  'invalid_amount',
  'unsupported_currency',
  'idempotency_conflict',
  'voided',
  'not_authorized',
  'payment_not_found',
  'already_captured',
  'not_captured',
  'unsupported_destination',
  'overweight',
  'carrier_unavailable',
  'shipment_cancelled',
  'step_timeout',
]);

export function reasonLabel(reason: string): string {
  return KNOWN_REASONS.has(reason) ? reason : 'other';
}

/** Whole grams for the parcel: a default per unit, at least 1 g, at most 70 kg. */
export function parcelWeightGrams(lines: readonly { quantity: number }[], unitWeightGrams: number): number {
  const units = lines.reduce((sum, line) => sum + line.quantity, 0);
  return Math.min(MAX_PARCEL_GRAMS, Math.max(1, units * unitWeightGrams));
}

/**
 * A reservation must outlive every forward step's whole budget (re-sends included, plus a minute),
 * so it never expires while the saga still goes forward.
 */
export function reservationTtlMs(settings: SagaSettings): number {
  return Math.max(settings.stepTimeoutMs, settings.stepBudgetMs) * (FORWARD_STEPS + 1) + 60_000;
}

/** Steps from the pivot on: re-sent until answered, never cancelled by a timeout. */
const AFTER_PIVOT: ReadonlySet<Step> = new Set(['capture_payment', 'commit_stock']);
export function isAfterPivot(step: Step): boolean {
  return AFTER_PIVOT.has(step);
}

/** The payments idempotency key of an order: one order is one payment, however often it is asked. */
export function paymentIdempotencyKey(orderId: string): string {
  return `order:${orderId}`;
}

const seconds = (from: string | null, to: Date) => (from ? Math.max(0, (to.getTime() - Date.parse(from)) / 1000) : 0);

/** A fresh order: the state awaiting its reservation, the placed fact and the reserve command. */
export function startSaga(order: PlacedOrder, ctx: SagaContext): Transition {
  const initial: SagaState = {
    order,
    status: 'pending',
    step: null,
    awaitedCommandId: null,
    stepCommandIds: [],
    stepStartedAt: null,
    stepDeadline: null,
    stepAttempt: 0,
    stock: 'none',
    payment: 'none',
    shipment: 'none',
    paymentId: null,
    shipmentId: null,
    failure: null,
    compensations: [],
    refundRequired: false,
    completedAt: null,
  };
  const placed = makeEvent(
    'shop.orders.order.placed',
    order.orderId,
    { orderId: order.orderId, userId: order.userId, items: order.lines, totalCents: order.totalCents, currency: order.currency },
    { source: ctx.settings.source, now: ctx.now, id: ctx.newId() },
  );
  const out = builder(initial, ctx);
  out.messages.push(placed);
  out.log.push(entry('placed', null, null, placed.id, { totalCents: order.totalCents, currency: order.currency, lines: order.lines.length }));
  out.send('reserve_stock');
  return out.done();
}

/** Applies a participant's reply. A reply that does not answer the awaited command changes nothing. */
export function onReply(state: SagaState, reply: ReplyEvent, ctx: SagaContext): Transition {
  const { commandId } = reply.data;
  const step = state.step;
  if (step === null || commandId === undefined || !state.stepCommandIds.includes(commandId) || !ANSWERS[step].includes(reply.type)) {
    return {
      state,
      changed: false,
      messages: [],
      log: [entry('stale_reply', step, commandId ?? null, reply.id, { type: reply.type, awaitedCommandId: state.awaitedCommandId, status: state.status })],
      observations: [],
    };
  }
  const out = builder(state, ctx);
  out.log.push(entry('reply_received', step, commandId, reply.id, replyDetail(reply)));
  const elapsed = seconds(state.stepStartedAt, ctx.now);
  const s = out.state;

  switch (reply.type) {
    case 'shop.inventory.stock.reserved':
      s.stock = 'reserved';
      out.observe({ kind: 'step', step, outcome: 'ok', seconds: elapsed });
      out.send('authorize_payment');
      break;
    case 'shop.payments.payment.authorized':
      s.payment = 'authorized';
      s.paymentId = reply.data.paymentId;
      out.observe({ kind: 'step', step, outcome: 'ok', seconds: elapsed });
      out.send('create_shipment');
      break;
    case 'shop.shipping.shipment.created':
      s.shipment = 'created';
      s.shipmentId = reply.data.shipmentId;
      out.observe({ kind: 'step', step, outcome: 'ok', seconds: elapsed });
      out.send('capture_payment');
      break;
    case 'shop.payments.payment.captured':
      s.payment = 'captured';
      out.observe({ kind: 'step', step, outcome: 'ok', seconds: elapsed });
      out.send('commit_stock');
      break;
    case 'shop.inventory.stock.committed':
      s.stock = 'committed';
      out.observe({ kind: 'step', step, outcome: 'ok', seconds: elapsed });
      out.confirm();
      break;

    case 'shop.inventory.stock.reservation-failed':
      // All or nothing: a failed reservation holds nothing.
      s.stock = 'none';
      out.observe({ kind: 'step', step, outcome: 'failed', seconds: elapsed });
      out.fail('reserve_stock', reply.data.reason);
      break;
    case 'shop.payments.payment.authorization-failed':
      s.payment = 'none';
      out.observe({ kind: 'step', step, outcome: 'failed', seconds: elapsed });
      out.fail('authorize_payment', reply.data.reason);
      break;
    case 'shop.shipping.shipment.creation-failed':
      s.shipment = 'none';
      out.observe({ kind: 'step', step, outcome: 'failed', seconds: elapsed });
      out.fail('create_shipment', reply.data.reason);
      break;
    case 'shop.payments.payment.capture-failed':
      // Still authorised (or already voided): the void below settles either way.
      out.observe({ kind: 'step', step, outcome: 'failed', seconds: elapsed });
      out.fail('capture_payment', reply.data.reason);
      break;
    case 'shop.inventory.stock.commit-failed':
      // Only possible if inventory lost the reservation (expired, released, a stock take): the money
      // is captured, the stock is not ours. A real failure, so the capture is refunded.
      s.stock = 'maybe';
      out.observe({ kind: 'step', step, outcome: 'failed', seconds: elapsed });
      out.fail('commit_stock', reply.data.reason);
      break;

    case 'shop.shipping.shipment.cancelled':
      s.shipment = reply.data.outcome === 'already_dispatched' ? s.shipment : 'cancelled';
      out.observe({ kind: 'step', step, outcome: reply.data.outcome === 'already_dispatched' ? 'failed' : 'ok', seconds: elapsed });
      out.nextCompensation();
      break;
    case 'shop.payments.payment.voided':
      s.payment = 'voided';
      out.observe({ kind: 'step', step, outcome: 'ok', seconds: elapsed });
      out.nextCompensation();
      break;
    case 'shop.payments.payment.void-failed':
      out.observe({ kind: 'step', step, outcome: 'failed', seconds: elapsed });
      // A capture that was not answered in time happened after all: refund it before moving on.
      if (reply.data.reason === 'already_captured') {
        s.payment = 'captured';
        s.compensations.unshift('refund_payment');
      }
      out.nextCompensation();
      break;
    case 'shop.payments.payment.refunded':
      s.payment = 'refunded';
      out.observe({ kind: 'step', step, outcome: 'ok', seconds: elapsed });
      out.refunded();
      out.nextCompensation();
      break;
    case 'shop.payments.payment.refund-failed':
      out.observe({ kind: 'step', step, outcome: 'failed', seconds: elapsed });
      out.refundRequired(`refund refused by payments: ${reply.data.reason}`);
      out.nextCompensation();
      break;
    case 'shop.inventory.stock.released':
      s.stock = reply.data.outcome === 'already_committed' ? 'committed' : 'released';
      out.observe({ kind: 'step', step, outcome: reply.data.outcome === 'already_committed' ? 'failed' : 'ok', seconds: elapsed });
      out.nextCompensation();
      break;
  }
  return out.done();
}

/**
 * The awaited step's deadline passed. Before the pivot the command is re-sent until the step
 * budget is spent, then the order fails with `step_timeout`; from the capture on it is re-sent
 * until answered; a compensation is re-sent a bounded number of times, then skipped unconfirmed.
 */
export function onTimeout(state: SagaState, ctx: SagaContext): Transition {
  const step = state.step;
  if (step === null || state.stepDeadline === null || Date.parse(state.stepDeadline) > ctx.now.getTime()) {
    return { state, changed: false, messages: [], log: [], observations: [] };
  }
  const out = builder(state, ctx);
  const s = out.state;
  out.log.push(entry('step_timed_out', step, state.awaitedCommandId, null, { attempt: state.stepAttempt, deadline: state.stepDeadline }));
  out.observe({ kind: 'step_timeout', step });
  const elapsedMs = state.stepStartedAt ? ctx.now.getTime() - Date.parse(state.stepStartedAt) : Infinity;
  switch (step) {
    case 'capture_payment':
    case 'commit_stock':
      // After the pivot: participants answer repeats idempotently (capture per payment, commit per
      // reservation), so asking again is always safe and cancelling never is.
      out.send(step, state.stepAttempt + 1);
      break;
    case 'reserve_stock':
    case 'authorize_payment':
    case 'create_shipment':
      if (elapsedMs < ctx.settings.stepBudgetMs) {
        out.send(step, state.stepAttempt + 1);
        break;
      }
      out.observe({ kind: 'step', step, outcome: 'timeout', seconds: seconds(state.stepStartedAt, ctx.now) });
      if (step === 'reserve_stock') s.stock = 'maybe';
      else if (step === 'authorize_payment') s.payment = 'maybe';
      else s.shipment = 'maybe';
      out.fail(step, 'step_timeout');
      break;
    default:
      // A compensation must happen: ask again (participants answer repeats idempotently), and after
      // the last attempt move on without its confirmation so the order still ends (the commands
      // stay in Kafka and are acted on when the participant returns).
      if (state.stepAttempt < ctx.settings.maxCompensationAttempts) {
        out.send(step, state.stepAttempt + 1);
      } else {
        out.observe({ kind: 'step', step, outcome: 'timeout', seconds: seconds(state.stepStartedAt, ctx.now) });
        out.log.push(entry('compensation_unconfirmed', step, state.awaitedCommandId, null, { attempts: state.stepAttempt }));
        if (step === 'refund_payment') out.refundRequired(`refund not confirmed after ${state.stepAttempt} attempts`);
        out.nextCompensation();
      }
  }
  return out.done();
}

// ---- internals ----

const FORWARD: ReadonlySet<Step> = new Set(['reserve_stock', 'authorize_payment', 'create_shipment', 'capture_payment', 'commit_stock']);
function isForward(step: Step): boolean {
  return FORWARD.has(step);
}

function entry(kind: LogKind, step: Step | null, commandId: string | null, eventId: string | null, detail: Record<string, unknown> = {}): LogEntry {
  return { kind, step, commandId, eventId, detail };
}

function replyDetail(reply: ReplyEvent): Record<string, unknown> {
  const { data } = reply;
  const detail: Record<string, unknown> = { type: reply.type };
  if ('reason' in data && data.reason !== undefined) detail['reason'] = data.reason;
  if ('outcome' in data) detail['outcome'] = data.outcome;
  if ('paymentId' in data && data.paymentId !== undefined) detail['paymentId'] = data.paymentId;
  if ('shipmentId' in data && data.shipmentId !== undefined) detail['shipmentId'] = data.shipmentId;
  if ('shortfall' in data) detail['shortfall'] = data.shortfall;
  return detail;
}

/** Void reasons allow letters and underscores only (payments' contract); others fall back. */
function voidReason(reason: string): string {
  return /^[a-z]+(_[a-z]+)*$/.test(reason) ? reason : 'order_cancelled';
}

function builder(previous: SagaState, ctx: SagaContext) {
  const state: SagaState = { ...previous, compensations: [...previous.compensations], stepCommandIds: [...previous.stepCommandIds] };
  const messages: ShopEvent[] = [];
  const log: LogEntry[] = [];
  const observations: Observation[] = [];
  const { order } = state;
  const meta = () => ({ source: ctx.settings.source, now: ctx.now, id: ctx.newId() });
  const reason = () => state.failure?.reason ?? 'order_cancelled';

  function command(step: Step): ShopEvent {
    const orderId = order.orderId;
    const items = order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity }));
    switch (step) {
      case 'reserve_stock':
        return makeEvent('shop.inventory.stock.reserve', orderId, { orderId, items, expiresAt: new Date(ctx.now.getTime() + reservationTtlMs(ctx.settings)).toISOString() }, meta());
      case 'authorize_payment':
        return makeEvent(
          'shop.payments.payment.authorize',
          orderId,
          { orderId, amountCents: order.totalCents, currency: order.currency, idempotencyKey: paymentIdempotencyKey(orderId), ...(order.cardToken ? { cardToken: order.cardToken } : {}) },
          meta(),
        );
      case 'create_shipment':
        return makeEvent(
          'shop.shipping.shipment.create',
          orderId,
          { orderId, items, destination: order.destination, method: order.method, weightGrams: parcelWeightGrams(order.lines, ctx.settings.unitWeightGrams) },
          meta(),
        );
      case 'capture_payment':
        return makeEvent('shop.payments.payment.capture', orderId, { orderId }, meta());
      case 'commit_stock':
        return makeEvent('shop.inventory.stock.commit', orderId, { orderId }, meta());
      case 'cancel_shipment':
        return makeEvent('shop.shipping.shipment.cancel', orderId, { orderId, reason: reason() }, meta());
      case 'void_payment':
        return makeEvent('shop.payments.payment.void', orderId, { orderId, reason: voidReason(reason()) }, meta());
      case 'refund_payment':
        return makeEvent('shop.payments.payment.refund', orderId, { orderId, reason: voidReason(reason()) }, meta());
      case 'release_stock':
        return makeEvent('shop.inventory.stock.release', orderId, { orderId, reason: reason() }, meta());
    }
  }

  function awaitNothing(): void {
    state.step = null;
    state.awaitedCommandId = null;
    state.stepCommandIds = [];
    state.stepStartedAt = null;
    state.stepDeadline = null;
    state.stepAttempt = 0;
    state.completedAt = ctx.now.toISOString();
  }

  const api = {
    state,
    messages,
    log,
    observe(observation: Observation) {
      observations.push(observation);
    },
    /**
     * Sends the step's command. A re-send (attempt > 1) is a NEW event (participants' inboxes
     * would drop the same id as a duplicate, though the first may have been lost) carrying the same
     * idempotency key (the order id; the payment key), so a participant that did get the first
     * answers the repeat with what it already did. A reply to any send of the step is accepted.
     */
    send(step: Step, attempt = 1) {
      const event = command(step);
      messages.push(event);
      state.step = step;
      state.awaitedCommandId = event.id;
      state.stepCommandIds = attempt === 1 ? [event.id] : [...state.stepCommandIds, event.id];
      if (attempt === 1 || state.stepStartedAt === null) state.stepStartedAt = ctx.now.toISOString();
      let deadline = ctx.now.getTime() + ctx.settings.stepTimeoutMs;
      // Before the pivot a forward step ends exactly when its budget is spent, not a timeout later.
      if (isForward(step) && !isAfterPivot(step)) deadline = Math.min(deadline, Date.parse(state.stepStartedAt) + ctx.settings.stepBudgetMs);
      state.stepDeadline = new Date(deadline).toISOString();
      state.stepAttempt = attempt;
      log.push(entry('command_sent', step, event.id, event.id, { type: event.type, attempt }));
      if (attempt > 1) observations.push({ kind: 'resend', step });
    },
    refunded() {
      log.push(entry('refunded', state.step, null, null, { paymentId: state.paymentId, amountCents: order.totalCents, currency: order.currency }));
      observations.push({ kind: 'refunded' });
    },
    refundRequired(why: string) {
      if (state.refundRequired) return;
      state.refundRequired = true;
      log.push(entry('refund_required', state.step, null, null, { paymentId: state.paymentId, amountCents: order.totalCents, currency: order.currency, why }));
      observations.push({ kind: 'refund_required' });
    },
    confirm() {
      state.status = 'confirmed';
      awaitNothing();
      const checkoutSeconds = seconds(order.placedAt, ctx.now);
      const confirmed = makeEvent(
        'shop.orders.order.confirmed',
        order.orderId,
        {
          orderId: order.orderId,
          userId: order.userId,
          totalCents: order.totalCents,
          currency: order.currency,
          paymentId: state.paymentId ?? '',
          shipmentId: state.shipmentId ?? '',
          checkoutSeconds,
        },
        meta(),
      );
      messages.push(confirmed);
      log.push(entry('confirmed', null, null, confirmed.id, { checkoutSeconds }));
      observations.push({ kind: 'completed', outcome: 'confirmed', reason: 'none', seconds: checkoutSeconds });
    },
    /** A forward step failed: undo in reverse whatever is held or possibly held. */
    fail(failedStep: SagaStep, why: string) {
      state.failure = { reason: why, failedStep };
      state.status = 'cancelling';
      const plan: CompensationStep[] = [];
      if (state.shipment === 'created' || state.shipment === 'maybe') plan.push('cancel_shipment');
      if (state.payment === 'captured') {
        // The money was taken: a void cannot give it back, a refund does.
        plan.push('refund_payment');
      } else if (state.payment === 'authorized' || state.payment === 'maybe' || state.payment === 'maybe_captured') {
        plan.push('void_payment');
      }
      if (state.stock === 'reserved' || state.stock === 'maybe') plan.push('release_stock');
      log.push(entry('compensation_started', failedStep, null, null, { reason: why, compensations: plan }));
      state.compensations = plan;
      api.nextCompensation();
    },
    nextCompensation() {
      const next = state.compensations.shift();
      if (next) {
        api.send(next);
        return;
      }
      state.status = 'cancelled';
      awaitNothing();
      const failure = state.failure ?? { reason: 'order_cancelled', failedStep: 'reserve_stock' as const };
      const cancelled = makeEvent(
        'shop.orders.order.cancelled',
        order.orderId,
        { orderId: order.orderId, userId: order.userId, reason: failure.reason, failedStep: failure.failedStep, totalCents: order.totalCents, currency: order.currency },
        meta(),
      );
      messages.push(cancelled);
      const checkoutSeconds = seconds(order.placedAt, ctx.now);
      log.push(entry('cancelled', null, null, cancelled.id, { reason: failure.reason, failedStep: failure.failedStep, refundRequired: state.refundRequired }));
      observations.push({ kind: 'completed', outcome: 'cancelled', reason: reasonLabel(failure.reason), seconds: checkoutSeconds });
    },
    done(): Transition {
      return { state, changed: true, messages, log, observations };
    },
  };
  return api;
}
