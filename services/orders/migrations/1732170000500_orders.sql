-- Up Migration
-- One row per order: what was ordered at which catalog prices (the read model for queries) and
-- the checkout saga's persisted state (the step awaited, the command id it waits for, its
-- deadline, and what the order holds at each participant). Both change in one transaction with
-- the audit log and the outbox.
CREATE TABLE orders (
  id                  uuid PRIMARY KEY,
  user_id             text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 100),
  status              text NOT NULL CHECK (status IN ('pending', 'cancelling', 'confirmed', 'cancelled')),
  currency            char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  total_cents         bigint NOT NULL CHECK (total_cents > 0),
  -- [{ productId, quantity, unitPriceCents }], catalog prices at placement.
  lines               jsonb NOT NULL,
  -- { country, postalCode, city, method }
  shipping            jsonb NOT NULL,
  card_token          text,
  -- Idempotency-Key of the POST that created it; unique per user.
  idempotency_key     text,
  request_fingerprint text,
  -- Trace context of the POST, so timeout-driven commands continue the order's trace.
  trace_headers       jsonb NOT NULL DEFAULT '{}',
  saga_step           text,
  awaited_command_id  uuid,
  step_started_at     timestamptz,
  step_deadline       timestamptz,
  step_attempt        integer NOT NULL DEFAULT 0,
  stock_hold          text NOT NULL,
  payment_hold        text NOT NULL,
  shipment_hold       text NOT NULL,
  payment_id          uuid,
  shipment_id         uuid,
  failure_reason      text,
  failed_step         text,
  compensations       text[] NOT NULL DEFAULT '{}',
  refund_required     boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  completed_at        timestamptz,
  UNIQUE (user_id, idempotency_key),
  CHECK ((status IN ('confirmed', 'cancelled')) = (saga_step IS NULL))
);
-- History newest first (keyset), optionally by status.
CREATE INDEX orders_user_history_idx ON orders (user_id, created_at DESC, id DESC);
CREATE INDEX orders_user_status_history_idx ON orders (user_id, status, created_at DESC, id DESC);
-- The timeout sweeper's scan: only sagas still running have a deadline.
CREATE INDEX orders_step_deadline_idx ON orders (step_deadline) WHERE step_deadline IS NOT NULL;

-- The audit trail: placed, every command sent, every reply, timeouts, compensations, the end.
-- Append-only: the triggers below refuse UPDATE, DELETE and TRUNCATE for everyone.
CREATE TABLE order_events (
  seq         bigserial PRIMARY KEY,
  order_id    uuid NOT NULL REFERENCES orders (id),
  at          timestamptz NOT NULL,
  kind        text NOT NULL,
  step        text,
  command_id  uuid,
  event_id    uuid,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX order_events_order_idx ON order_events (order_id, seq);

CREATE FUNCTION order_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'order_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER order_events_no_update_delete BEFORE UPDATE OR DELETE ON order_events
  FOR EACH ROW EXECUTE FUNCTION order_events_append_only();
CREATE TRIGGER order_events_no_truncate BEFORE TRUNCATE ON order_events
  FOR EACH STATEMENT EXECUTE FUNCTION order_events_append_only();

-- Down Migration
DROP TABLE order_events;
DROP FUNCTION order_events_append_only();
DROP TABLE orders;
