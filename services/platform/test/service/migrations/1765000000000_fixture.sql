-- Up Migration
-- The fixture service's own table: proves startService applied the service's migrations.
CREATE TABLE fixture_notes (id text PRIMARY KEY);

-- Down Migration
DROP TABLE fixture_notes;
