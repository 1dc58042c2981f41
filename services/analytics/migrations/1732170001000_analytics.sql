-- Up Migration
-- Tables are prefixed: make dev runs every service on one local database.

-- Funnel events per minute, stage and source. One row per (minute, stage, source) however many
-- events arrive: a day is at most 1,440 × 5 × 2 rows, so windows sum quickly.
CREATE TABLE analytics_funnel_minutes (
  minute timestamptz NOT NULL CHECK (date_trunc('minute', minute) = minute),
  stage  text NOT NULL CHECK (stage IN ('product_view', 'add_to_cart', 'checkout', 'purchase', 'cancelled')),
  source text NOT NULL CHECK (source IN ('storefront', 'domain')),
  events bigint NOT NULL CHECK (events >= 0),
  PRIMARY KEY (minute, stage, source)
);

-- Which sessions reached a stage in a minute (storefront events and product views that carry a
-- session id). Distinct sessions per stage over a window are counted from here; rows are pruned
-- after SESSION_RETENTION_HOURS.
CREATE TABLE analytics_funnel_sessions (
  stage      text NOT NULL CHECK (stage IN ('product_view', 'add_to_cart', 'checkout', 'purchase', 'cancelled')),
  minute     timestamptz NOT NULL,
  session_id text NOT NULL CHECK (length(session_id) BETWEEN 1 AND 100),
  PRIMARY KEY (stage, minute, session_id)
);
CREATE INDEX analytics_funnel_sessions_minute_idx ON analytics_funnel_sessions (minute);

-- Down Migration
DROP TABLE analytics_funnel_sessions;
DROP TABLE analytics_funnel_minutes;
