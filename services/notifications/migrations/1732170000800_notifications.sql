-- Up Migration
-- One row per (event, channel): the unique key is what makes a redelivered event one notification
-- per channel. Deliveries are driven by next_attempt_at; the dispatcher claims due rows with SKIP
-- LOCKED and a lease, sends outside any transaction and records the outcome.
CREATE TABLE notifications (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id              uuid NOT NULL,
  event_type            text NOT NULL,
  channel               text NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
  template              text NOT NULL,
  message               text NOT NULL,
  order_id              text NOT NULL,
  -- NULL until the order's user is known (a shipment fact can arrive before the order's events).
  user_id               text,
  status                text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  -- Why it failed: `retries-exhausted` (dead-lettered) or `no_recipient`.
  failure_reason        text,
  attempts              integer NOT NULL DEFAULT 0,
  last_error            text,
  next_attempt_at       timestamptz,
  -- The original event and where it came from, for the dead-letter record.
  source_topic          text NOT NULL,
  envelope              jsonb NOT NULL,
  dead_letter_pending   boolean NOT NULL DEFAULT false,
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  sent_at               timestamptz,
  UNIQUE (event_id, channel)
);
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'pending' AND user_id IS NOT NULL;
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_created_idx ON notifications (created_at DESC, id DESC);
CREATE INDEX notifications_waiting_idx ON notifications (order_id) WHERE user_id IS NULL;
CREATE INDEX notifications_dead_letter_idx ON notifications (updated_at) WHERE dead_letter_pending;

-- Who an order belongs to, learned from the order's own events (events carry no addresses).
CREATE TABLE order_recipients (
  order_id  text PRIMARY KEY,
  user_id   text NOT NULL,
  at        timestamptz NOT NULL
);

-- Down Migration
DROP TABLE order_recipients;
DROP TABLE notifications;
