-- Up Migration
-- One shipment per order (the saga creates at most one; a second create for the order gets the
-- same shipment). Progress is driven by next_step_at: the ticker claims due rows with SKIP LOCKED.
CREATE TABLE shipments (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id               text NOT NULL UNIQUE CHECK (length(order_id) BETWEEN 1 AND 100),
  status                 text NOT NULL CHECK (status IN ('pending', 'dispatched', 'in_transit', 'delivered', 'cancelled')),
  method                 text NOT NULL CHECK (method IN ('standard', 'express')),
  zone                   text NOT NULL,
  carrier                text NOT NULL,
  country                char(2) NOT NULL,
  postal_code            text NOT NULL,
  city                   text NOT NULL,
  weight_grams           integer NOT NULL CHECK (weight_grams > 0),
  item_count             integer NOT NULL CHECK (item_count > 0),
  cost_cents             integer NOT NULL CHECK (cost_cents >= 0),
  currency               char(3) NOT NULL,
  estimated_delivery_at  timestamptz NOT NULL,
  -- When the ticker should move it on; NULL while waiting for the order's confirmation and once final.
  next_step_at           timestamptz,
  confirmed_at           timestamptz,
  dispatched_at          timestamptz,
  delivered_at           timestamptz,
  cancel_reason          text,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL
);
CREATE INDEX shipments_due_idx ON shipments (next_step_at) WHERE next_step_at IS NOT NULL;
CREATE INDEX shipments_created_idx ON shipments (created_at DESC, id DESC);

-- Tracking history: every status a shipment entered, in order.
CREATE TABLE shipment_tracking (
  seq          bigserial PRIMARY KEY,
  shipment_id  uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
  status       text NOT NULL,
  detail       text,
  at           timestamptz NOT NULL
);
CREATE INDEX shipment_tracking_shipment_idx ON shipment_tracking (shipment_id, seq);

-- Orders that were cancelled (or compensated) before any shipment existed: a late create for one
-- of them is refused with `shipment_cancelled` instead of shipping a cancelled order.
CREATE TABLE cancelled_orders (
  order_id  text PRIMARY KEY,
  reason    text NOT NULL,
  at        timestamptz NOT NULL
);

-- Down Migration
DROP TABLE cancelled_orders;
DROP TABLE shipment_tracking;
DROP TABLE shipments;
