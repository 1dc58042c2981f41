// Kafka metrics, registered on the registry the service passes in (never the global default).
// Producers and consumers of one process share a registry, so each metric is created once and
// looked up afterwards. Labels stay bounded: topic, outcome, reason, group, partition.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface KafkaMetrics {
  produced: Counter<'topic' | 'outcome'>;
  consumed: Counter<'topic' | 'outcome'>;
  deadLettered: Counter<'topic' | 'reason'>;
  handlerRetries: Counter<'topic'>;
  handlerDuration: Histogram<'topic' | 'outcome'>;
  consumerLag: Gauge<'group' | 'topic' | 'partition'>;
}

export function kafkaMetrics(registry: Registry): KafkaMetrics {
  return {
    produced: counter(registry, 'kafka_messages_produced_total', 'Messages sent to Kafka by topic and outcome (ok, error, invalid).', ['topic', 'outcome']),
    consumed: counter(registry, 'kafka_messages_consumed_total', 'Messages consumed by topic and outcome (handled, dead_lettered).', ['topic', 'outcome']),
    deadLettered: counter(registry, 'kafka_messages_dead_lettered_total', 'Messages sent to the dead-letter topic by original topic and reason.', ['topic', 'reason']),
    handlerRetries: counter(registry, 'kafka_handler_retries_total', 'Handler attempts that failed transiently and were retried.', ['topic']),
    handlerDuration: histogram(registry, 'kafka_handler_duration_seconds', 'Time spent in message handlers, per attempt.', ['topic', 'outcome']),
    consumerLag: gauge(registry, 'kafka_consumer_lag_messages', 'Messages behind the partition high watermark at the last fetched batch.', ['group', 'topic', 'partition']),
  };
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

function histogram<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Histogram<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<L>;
  return new Histogram({
    name,
    help,
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}
