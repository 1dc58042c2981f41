-- Up Migration
-- Every command id sent for the current saga step: a compensation re-sent after a timeout is the
-- same idempotent request, so a late reply to an earlier send confirms it as well.
ALTER TABLE orders ADD COLUMN step_command_ids uuid[] NOT NULL DEFAULT '{}';
UPDATE orders SET step_command_ids = ARRAY[awaited_command_id] WHERE awaited_command_id IS NOT NULL;

-- Down Migration
ALTER TABLE orders DROP COLUMN step_command_ids;
