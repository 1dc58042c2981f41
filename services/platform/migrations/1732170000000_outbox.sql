-- Up Migration

-- Transactional outbox: services insert events here in the same transaction as their state
-- change; the relay (src/outbox/relay.ts) publishes them to Kafka and deletes them.
CREATE TABLE outbox (
  -- Publication order; per key it is also commit order, because enqueue serialises same-key
  -- writers on an advisory lock until they commit.
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  event_type text NOT NULL,
  topic text NOT NULL,
  -- The Kafka key: the event's subject (aggregate id).
  event_key text NOT NULL,
  -- The whole envelope as it will be sent.
  envelope jsonb NOT NULL,
  -- Trace context (traceparent/tracestate) of the transaction that enqueued it, so the trace
  -- continues from the request to the consumers even though a relay sends it later.
  trace_headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Wake relays as soon as events commit (NOTIFY is delivered at commit, once per transaction
-- and channel however many rows were inserted); relays also poll, so a lost wake-up only delays.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Down Migration

DROP TRIGGER IF EXISTS outbox_notify ON outbox;
DROP FUNCTION IF EXISTS outbox_notify();
DROP TABLE IF EXISTS outbox;
