-- Up Migration
CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Stored normalised (trimmed, lower case), so the unique constraint is case-insensitive.
  email          text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  display_name   text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  -- A PHC string (argon2id); never selected by a query that feeds a response.
  password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  role           text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
  -- Lockout state lives here, not in process memory, so it holds across replicas and restarts.
  failed_logins  integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
  locked_until   timestamptz,
  last_login_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per issued access token (a login), kept until it expires: active sessions are the
-- unexpired rows. Expired rows are pruned a few at a time by later logins.
CREATE TABLE sessions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  issued_at   timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Down Migration
DROP TABLE sessions;
DROP TABLE users;
