-- Up Migration
-- Tables are prefixed: make dev runs every service on one local database.
CREATE TABLE support_tickets (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The shopper who opened the ticket (the token's subject).
  user_id           text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 200),
  subject           text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  category          text NOT NULL CHECK (category IN ('order', 'payment', 'shipping', 'returns', 'product', 'account', 'other')),
  order_id          text CHECK (order_id IS NULL OR length(order_id) <= 100),
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'resolved')),
  -- The agent who took the ticket, if any.
  assignee_id       text CHECK (assignee_id IS NULL OR length(assignee_id) <= 200),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  first_response_at timestamptz,
  resolved_at       timestamptz,
  reopened_count    integer NOT NULL DEFAULT 0,
  rating            smallint CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
  rating_comment    text CHECK (rating_comment IS NULL OR length(rating_comment) <= 2000),
  rated_at          timestamptz,
  CHECK ((rating IS NULL) = (rated_at IS NULL))
);
CREATE INDEX support_tickets_user_idx ON support_tickets (user_id, created_at DESC, id DESC);
CREATE INDEX support_tickets_status_idx ON support_tickets (status, created_at DESC, id DESC);
CREATE INDEX support_tickets_created_idx ON support_tickets (created_at DESC, id DESC);

CREATE TABLE support_messages (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ticket_id   uuid NOT NULL REFERENCES support_tickets (id) ON DELETE CASCADE,
  author_id   text NOT NULL CHECK (length(author_id) BETWEEN 1 AND 200),
  author_role text NOT NULL CHECK (author_role IN ('shopper', 'agent')),
  body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  created_at  timestamptz NOT NULL
);
CREATE INDEX support_messages_ticket_idx ON support_messages (ticket_id, created_at, id);

-- Down Migration
DROP TABLE support_messages;
DROP TABLE support_tickets;
