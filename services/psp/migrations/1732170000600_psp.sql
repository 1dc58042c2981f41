-- Up Migration
-- psp's ledger. A real card processor does not forget an authorisation because one of its
-- processes restarted: captures, voids and refunds of an order authorised before a crash must
-- still find it, and a retried request under an Idempotency-Key must replay its first answer.
CREATE TABLE psp_authorizations (
  id            text PRIMARY KEY CHECK (id ~ '^auth_[0-9a-f]{32}$'),
  status        text NOT NULL CHECK (status IN ('authorized', 'declined', 'captured', 'voided', 'refunded')),
  amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
  currency      char(3) NOT NULL,
  decline_code  text,
  reference     text CHECK (length(reference) BETWEEN 1 AND 100),
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  CHECK ((status = 'declined') = (decline_code IS NOT NULL))
);
-- Merchants (and the drill's invariants) look authorisations up by their reference (an order id).
CREATE INDEX psp_authorizations_reference_idx ON psp_authorizations (reference) WHERE reference IS NOT NULL;
-- The retention sweep deletes the oldest first.
CREATE INDEX psp_authorizations_created_idx ON psp_authorizations (created_at);

-- An Idempotency-Key remembers the request it was first used with (its fingerprint) and the
-- authorisation that request made. A provider error stores no key, so a retry is a fresh attempt.
CREATE TABLE psp_idempotency_keys (
  key               text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 128),
  fingerprint       text NOT NULL,
  authorization_id  text NOT NULL REFERENCES psp_authorizations (id) ON DELETE CASCADE,
  created_at        timestamptz NOT NULL
);
CREATE INDEX psp_idempotency_keys_authorization_idx ON psp_idempotency_keys (authorization_id);

-- Attempts per idempotency key (or per identical request without one), failed ones included:
-- the fail-once test token errs on the first attempt and is approved on the retry, across restarts.
CREATE TABLE psp_authorization_attempts (
  attempt_key  text PRIMARY KEY,
  attempts     integer NOT NULL CHECK (attempts > 0),
  updated_at   timestamptz NOT NULL
);
CREATE INDEX psp_authorization_attempts_updated_idx ON psp_authorization_attempts (updated_at);

-- Down Migration
DROP TABLE psp_authorization_attempts;
DROP TABLE psp_idempotency_keys;
DROP TABLE psp_authorizations;
