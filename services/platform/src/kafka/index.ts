// Kafka for every service: the only place that imports kafkajs.
export { createKafkaClient, parseBrokers } from './client.ts';
export type { KafkaClient, KafkaClientOptions, KafkaLogger } from './client.ts';
export { createEventProducer } from './producer.ts';
export type { EventProducer, EventProducerOptions, OutgoingRecord, DeadLetterMessage } from './producer.ts';
export { startEventConsumer } from './consumer.ts';
export type { EventConsumer, EventConsumerOptions, EventHandler, MessageContext, ConsumerHealth } from './consumer.ts';
export { ensureTopics, deleteTopics, checkKafka } from './admin.ts';
export type { TopicSpec } from './admin.ts';
export { PermanentError, classifyError, describeError, backoffDelay, DEFAULT_RETRY_POLICY } from './retry.ts';
export type { ErrorClass, RetryPolicy } from './retry.ts';
export { deadLetterHeaders, normalizeHeaders } from './headers.ts';
export type { DeadLetterOrigin } from './headers.ts';
export { activeTraceHeaders } from './tracing.ts';
export { kafkaMetrics } from './metrics.ts';
export type { KafkaMetrics } from './metrics.ts';
