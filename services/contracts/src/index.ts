// @shopwatch/contracts — the event envelope, payload schemas and topic conventions shared over Kafka.
export { EnvelopeSchema, SPEC_VERSION, EVENT_TYPE_PATTERN } from './envelope.ts';
export type { EventEnvelope, RawEnvelope } from './envelope.ts';
export {
  eventDefinitions,
  isEventType,
  topicFor,
  registeredTopics,
} from './registry.ts';
export type { EventDefinition, EventDefinitions, EventType, EventData, ShopEvent } from './registry.ts';
export { makeEvent, parseEvent, serializeEvent, InvalidEventError } from './events.ts';
export type { MakeEventOptions, ParseResult, ParseFailureReason } from './events.ts';
export {
  DEAD_LETTER_TOPIC,
  DEAD_LETTER_HEADERS,
  TOPIC_NAME_PATTERN,
  isValidTopicName,
} from './topics.ts';
export type { DeadLetterReason } from './topics.ts';
export { seedCatalog, stableId } from './demo-catalogue.ts';
export type { SeedCategory, SeedProduct } from './demo-catalogue.ts';
export { CATALOG_PRODUCTS_TOPIC, CATALOG_VIEWS_TOPIC, ProductCreatedSchema, ProductDeletedSchema, ProductSnapshotSchema, ProductUpdatedSchema, ProductViewedSchema, catalogEvents } from './catalog.ts';
export type { ProductCreated, ProductDeleted, ProductUpdated, ProductViewed } from './catalog.ts';
export { INVENTORY_COMMANDS_TOPIC, INVENTORY_EVENTS_TOPIC, MAX_ITEM_QUANTITY, MAX_RESERVATION_ITEMS, ReasonSchema, StockCommitFailedSchema, StockCommitSchema, StockCommittedSchema, StockItemSchema, StockLowSchema, StockReleaseSchema, StockReleasedSchema, StockReservationFailedSchema, StockReserveSchema, StockReservedSchema, StockShortfallSchema, inventoryEvents } from './inventory.ts';
export type { StockCommit, StockCommitFailed, StockCommitted, StockItem, StockLow, StockRelease, StockReleased, StockReservationFailed, StockReserve, StockReserved, StockShortfall } from './inventory.ts';
export { AuthorizePaymentSchema, CapturePaymentSchema, PAYMENTS_COMMANDS_TOPIC, PAYMENTS_EVENTS_TOPIC, PaymentAuthorizationFailedSchema, PaymentAuthorizedSchema, PaymentCaptureFailedSchema, PaymentCapturedSchema, PaymentRefundFailedSchema, PaymentRefundedSchema, PaymentVoidFailedSchema, PaymentVoidedSchema, RefundPaymentSchema, VoidPaymentSchema, paymentsEvents } from './payments.ts';
export type { AuthorizePayment, CapturePayment, PaymentAuthorizationFailed, PaymentAuthorized, PaymentCaptureFailed, PaymentCaptured, PaymentRefundFailed, PaymentRefunded, PaymentVoidFailed, PaymentVoided, RefundPayment, VoidPayment } from './payments.ts';
export { CancelShipmentSchema, CreateShipmentSchema, DestinationSchema, SHIPPING_COMMANDS_TOPIC, SHIPPING_EVENTS_TOPIC, ShipmentCancelledSchema, ShipmentCreatedSchema, ShipmentCreationFailedSchema, ShipmentDeliveredSchema, ShipmentDispatchedSchema, ShipmentInTransitSchema, ShippingMethodSchema, WeightGramsSchema, shippingEvents } from './shipping.ts';
export type { CancelShipment, CreateShipment, Destination, ShipmentCancelled, ShipmentCreated, ShipmentCreationFailed, ShipmentDelivered, ShipmentDispatched, ShipmentInTransit, ShippingMethod } from './shipping.ts';
export { ORDERS_EVENTS_TOPIC, OrderCancelledSchema, OrderConfirmedSchema, OrderLineSchema, OrderPlacedSchema, SagaStepSchema, ordersEvents } from './orders.ts';
export type { OrderCancelled, OrderConfirmed, OrderLine, OrderPlaced, SagaStep } from './orders.ts';
export { SUPPORT_EVENTS_TOPIC, SupportCategorySchema, TicketOpenedSchema, TicketResolvedSchema, supportEvents } from './support.ts';
export type { SupportCategory, TicketOpened, TicketResolved } from './support.ts';
