-- Up Migration
-- array_to_string is only STABLE (it could depend on settings for some element types); for text[]
-- it is in fact immutable, which a generated column requires, so it is declared so here.
CREATE FUNCTION catalog_tags_text(tags text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string(tags, ' ') $$;

CREATE TABLE categories (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sku         text NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  category_id uuid NOT NULL REFERENCES categories (id) ON DELETE RESTRICT,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  currency    char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  tags        text[] NOT NULL DEFAULT '{}',
  image_url   text CHECK (image_url IS NULL OR length(image_url) <= 500),
  active      boolean NOT NULL DEFAULT true,
  -- Bumped on every change; the ETag is derived from it so conditional requests stay cheap.
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  -- Names weigh more than tags, tags more than descriptions: a search for "kettle" ranks the
  -- kettle above a teapot that mentions kettles in passing.
  search      tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', name), 'A') ||
    setweight(to_tsvector('english', catalog_tags_text(tags)), 'B') ||
    setweight(to_tsvector('english', description), 'C')
  ) STORED
);

CREATE INDEX products_search_idx ON products USING gin (search);
-- Keyset pagination indexes: one per sort order, each ending in id for a total order.
CREATE INDEX products_created_idx ON products (created_at DESC, id DESC);
CREATE INDEX products_price_idx ON products (price_cents, id);
CREATE INDEX products_name_idx ON products (name, id);
CREATE INDEX products_category_idx ON products (category_id);

-- Down Migration
DROP TABLE products;
DROP TABLE categories;
DROP FUNCTION catalog_tags_text(text[]);
