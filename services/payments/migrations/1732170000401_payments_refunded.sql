-- Up Migration
-- A captured payment can be refunded (the saga's compensation when a step after the capture truly
-- fails, or an operator through POST /payments/:id/refund).
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
  CHECK (status IN ('pending', 'authorized', 'declined', 'failed', 'captured', 'voided', 'refunded'));

-- Down Migration
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
  CHECK (status IN ('pending', 'authorized', 'declined', 'failed', 'captured', 'voided'));
