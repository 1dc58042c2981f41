-- Up Migration
-- Stock per product. The CHECK constraints are the last line of defence against overselling:
-- whatever the code does, no committed row can have negative stock or more reserved than on hand.
CREATE TABLE stock (
  product_id          uuid PRIMARY KEY,
  on_hand             integer NOT NULL DEFAULT 0 CONSTRAINT stock_on_hand_not_negative CHECK (on_hand >= 0),
  reserved            integer NOT NULL DEFAULT 0 CONSTRAINT stock_reserved_not_negative CHECK (reserved >= 0),
  -- Bounded far below integer overflow, so restocks and sums never wrap.
  CONSTRAINT stock_on_hand_bounded CHECK (on_hand <= 1000000000),
  CONSTRAINT stock_reserved_within_on_hand CHECK (reserved <= on_hand),
  available           integer GENERATED ALWAYS AS (on_hand - reserved) STORED,
  -- NULL: the service-wide LOW_STOCK_THRESHOLD applies.
  low_stock_threshold integer CONSTRAINT stock_threshold_range CHECK (low_stock_threshold BETWEEN 0 AND 1000000),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- One reservation per order: a second reserve for the same order finds it (idempotent by order).
CREATE TABLE reservations (
  order_id           text PRIMARY KEY CHECK (length(order_id) BETWEEN 1 AND 100),
  status             text NOT NULL CHECK (status IN ('reserved', 'committed', 'released')),
  -- Why it was released: the command's reason, or 'expired' for the sweeper.
  release_reason     text CHECK (release_reason IS NULL OR length(release_reason) <= 64),
  expires_at         timestamptz NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  settled_at         timestamptz,
  CHECK ((status = 'released') = (release_reason IS NOT NULL)),
  CHECK ((status = 'reserved') = (settled_at IS NULL))
);
-- The sweeper's scan: open reservations by expiry.
CREATE INDEX reservations_open_by_expiry ON reservations (expires_at) WHERE status = 'reserved';

CREATE TABLE reservation_items (
  order_id   text NOT NULL REFERENCES reservations (order_id) ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES stock (product_id) ON DELETE RESTRICT,
  -- Up to 50 lines of 1000 units, merged per product.
  quantity   integer NOT NULL CHECK (quantity BETWEEN 1 AND 50000),
  PRIMARY KEY (order_id, product_id)
);

-- Down Migration
DROP TABLE reservation_items;
DROP TABLE reservations;
DROP TABLE stock;
