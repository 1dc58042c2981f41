-- Up Migration
-- One row per payment (one idempotency key), its psp authorisation and where it stands; every
-- status change is also appended to payment_status_history, the audit trail.
CREATE TABLE payments (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  idempotency_key       text NOT NULL UNIQUE CHECK (idempotency_key ~ '^[A-Za-z0-9._:-]{1,128}$'),
  -- What the key was first used for; the same key with another request is refused.
  request_fingerprint   text NOT NULL,
  order_id              text CHECK (order_id IS NULL OR length(order_id) BETWEEN 1 AND 100),
  amount_cents          bigint NOT NULL CHECK (amount_cents > 0),
  currency              char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  card_token            text NOT NULL,
  status                text NOT NULL CHECK (status IN ('pending', 'authorized', 'declined', 'failed', 'captured', 'voided')),
  -- Why a payment is declined or failed (declined, psp_unavailable, timeout, invalid_amount, ...).
  failure_reason        text,
  decline_code          text,
  psp_authorization_id  text UNIQUE,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_order_idx ON payments (order_id, created_at DESC) WHERE order_id IS NOT NULL;

CREATE TABLE payment_status_history (
  seq         bigserial PRIMARY KEY,
  payment_id  uuid NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
  status      text NOT NULL,
  reason      text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_status_history_payment_idx ON payment_status_history (payment_id, seq);

-- Down Migration
DROP TABLE payment_status_history;
DROP TABLE payments;
