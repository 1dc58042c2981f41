// Payments' saga messages. Orders (the orchestrator) sends commands; payments answers each with a
// reply fact naming the command it answers. Both are keyed by the order id (the envelope subject),
// so one order's commands and replies each stay in order.
import { Type, type Static } from 'typebox';

const OrderId = Type.String({ minLength: 1, maxLength: 100 });
const PaymentId = Type.String({ format: 'uuid' });
/** The id of the command event a reply answers. */
const CommandId = Type.String({ format: 'uuid' });
/** Minor units (cents), never a float; the same bound as catalog prices. */
const AmountCents = Type.Integer({ minimum: 1, maximum: 100_000_000_00 });
/** ISO 4217 code. */
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
/**
 * Machine-readable failure reason, lowercase snake words: `declined`, `psp_unavailable`,
 * `timeout`, `invalid_amount`, `unsupported_currency`, `idempotency_conflict`, `voided`,
 * `not_authorized`, `payment_not_found`, `already_captured`, `not_captured`.
 */
const Reason = Type.String({ pattern: '^[a-z]+(_[a-z]+)*$', maxLength: 64 });

export const AuthorizePaymentSchema = Type.Object(
  {
    orderId: OrderId,
    amountCents: AmountCents,
    currency: Currency,
    /** The same key twice means the same payment: never a second charge. */
    idempotencyKey: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$' }),
    /** The shopper's tokenised card; payments uses its configured default when absent. */
    cardToken: Type.Optional(Type.String({ pattern: '^tok_[a-z0-9_]{1,60}$' })),
  },
  { additionalProperties: false },
);
export type AuthorizePayment = Static<typeof AuthorizePaymentSchema>;

export const CapturePaymentSchema = Type.Object({ orderId: OrderId }, { additionalProperties: false });
export type CapturePayment = Static<typeof CapturePaymentSchema>;

export const VoidPaymentSchema = Type.Object({ orderId: OrderId, reason: Reason }, { additionalProperties: false });
export type VoidPayment = Static<typeof VoidPaymentSchema>;

/**
 * Gives a captured payment's money back: the saga's compensation when a step after the capture
 * truly fails (e.g. the reservation was lost, so the goods cannot be committed).
 */
export const RefundPaymentSchema = Type.Object({ orderId: OrderId, reason: Reason }, { additionalProperties: false });
export type RefundPayment = Static<typeof RefundPaymentSchema>;

export const PaymentAuthorizedSchema = Type.Object(
  { orderId: OrderId, commandId: CommandId, paymentId: PaymentId, amountCents: AmountCents, currency: Currency },
  { additionalProperties: false },
);
export type PaymentAuthorized = Static<typeof PaymentAuthorizedSchema>;

/** A failed step: `paymentId` when a payment record exists, `detail` for humans. */
const FailureSchema = Type.Object(
  {
    orderId: OrderId,
    commandId: CommandId,
    reason: Reason,
    paymentId: Type.Optional(PaymentId),
    detail: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const PaymentAuthorizationFailedSchema = FailureSchema;
export type PaymentAuthorizationFailed = Static<typeof PaymentAuthorizationFailedSchema>;

export const PaymentCapturedSchema = PaymentAuthorizedSchema;
export type PaymentCaptured = Static<typeof PaymentCapturedSchema>;

export const PaymentCaptureFailedSchema = FailureSchema;
export type PaymentCaptureFailed = Static<typeof PaymentCaptureFailedSchema>;

/** `paymentId` is absent when the order had no authorised payment (nothing to void). */
export const PaymentVoidedSchema = Type.Object(
  { orderId: OrderId, commandId: CommandId, paymentId: Type.Optional(PaymentId) },
  { additionalProperties: false },
);
export type PaymentVoided = Static<typeof PaymentVoidedSchema>;

export const PaymentVoidFailedSchema = FailureSchema;
export type PaymentVoidFailed = Static<typeof PaymentVoidFailedSchema>;

/** The captured amount went back to the shopper (a repeat answers the same). */
export const PaymentRefundedSchema = PaymentAuthorizedSchema;
export type PaymentRefunded = Static<typeof PaymentRefundedSchema>;

/** Refused for good (`payment_not_found`, `not_captured`, psp refusing): someone must refund by hand. */
export const PaymentRefundFailedSchema = FailureSchema;
export type PaymentRefundFailed = Static<typeof PaymentRefundFailedSchema>;

export const PAYMENTS_COMMANDS_TOPIC = 'shop.payments.commands.v1';
export const PAYMENTS_EVENTS_TOPIC = 'shop.payments.events.v1';

export const paymentsEvents = {
  'shop.payments.payment.authorize': { topic: PAYMENTS_COMMANDS_TOPIC, schema: AuthorizePaymentSchema },
  'shop.payments.payment.capture': { topic: PAYMENTS_COMMANDS_TOPIC, schema: CapturePaymentSchema },
  'shop.payments.payment.void': { topic: PAYMENTS_COMMANDS_TOPIC, schema: VoidPaymentSchema },
  'shop.payments.payment.refund': { topic: PAYMENTS_COMMANDS_TOPIC, schema: RefundPaymentSchema },
  'shop.payments.payment.authorized': { topic: PAYMENTS_EVENTS_TOPIC, schema: PaymentAuthorizedSchema },
  'shop.payments.payment.authorization-failed': { topic: PAYMENTS_EVENTS_TOPIC, schema: PaymentAuthorizationFailedSchema },
  'shop.payments.payment.captured': { topic: PAYMENTS_EVENTS_TOPIC, schema: PaymentCapturedSchema },
  'shop.payments.payment.capture-failed': { topic: PAYMENTS_EVENTS_TOPIC, schema: PaymentCaptureFailedSchema },
  'shop.payments.payment.voided': { topic: PAYMENTS_EVENTS_TOPIC, schema: PaymentVoidedSchema },
  'shop.payments.payment.void-failed': { topic: PAYMENTS_EVENTS_TOPIC, schema: PaymentVoidFailedSchema },
  'shop.payments.payment.refunded': { topic: PAYMENTS_EVENTS_TOPIC, schema: PaymentRefundedSchema },
  'shop.payments.payment.refund-failed': { topic: PAYMENTS_EVENTS_TOPIC, schema: PaymentRefundFailedSchema },
} as const;
