-- Up Migration
-- The trace context of the order's confirmation, so the delivery facts the ticker publishes later
-- continue the order's trace instead of starting unconnected ones.
ALTER TABLE shipments ADD COLUMN trace_headers jsonb;

-- Down Migration
ALTER TABLE shipments DROP COLUMN trace_headers;
