-- Up Migration

-- Inbox: the ids of events a consumer group has handled, written in the same transaction as
-- the handler's effect, so a redelivered event is recognised and skipped.
CREATE TABLE inbox (
  consumer_group text NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  handled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (consumer_group, event_id)
);

-- Retention: rows older than Kafka's retention can never be redelivered and are pruned by time.
CREATE INDEX inbox_handled_at ON inbox (handled_at);

-- Down Migration

DROP TABLE IF EXISTS inbox;
