-- hexd schema v1: the persisted world (chunks, players, prototypes, recipes),
-- the durable action log (events + the journal head), snapshots, and event-log
-- consumer offsets. Applied by src/store/migrate.ts (kysely Migrator), the same
-- on PGlite and Postgres.

-- Key/value facts about the world stored here (seed, size, ...).
CREATE TABLE world_meta (
  key   text PRIMARY KEY,
  value jsonb NOT NULL
);

-- Chunks that differ from what generation gives; `data` is serialized by
-- src/store/serializers (format = its version), `hash` the engine's chunk hash.
CREATE TABLE chunks (
  id         bigint PRIMARY KEY,
  diamond    integer NOT NULL,
  ci         integer NOT NULL,
  cj         integer NOT NULL,
  tick       bigint NOT NULL,
  format     smallint NOT NULL,
  data       bytea NOT NULL,
  hash       text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE players (
  id         text PRIMARY KEY,
  idx        integer,
  name       text NOT NULL,
  token_hash text,
  position   bigint,
  inventory  jsonb NOT NULL DEFAULT '{}'::jsonb,
  data       jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE prototypes (
  name    text PRIMARY KEY,
  version integer NOT NULL,
  data    jsonb NOT NULL
);

CREATE TABLE recipes (
  name    text PRIMARY KEY,
  version integer NOT NULL,
  data    jsonb NOT NULL
);

-- The action log: one row per accepted action, in acceptance order (seq).
CREATE TABLE events (
  seq     bigserial PRIMARY KEY,
  tick    bigint NOT NULL,
  time    timestamptz NOT NULL DEFAULT now(),
  type    text NOT NULL,
  payload jsonb NOT NULL
);
CREATE INDEX events_tick_idx ON events (tick);

-- The journal head: the last tick whose actions are durable, with the world
-- hash after it. One row (id = 1), moved in the same statement as the events.
CREATE TABLE journal_head (
  id   smallint PRIMARY KEY CHECK (id = 1),
  tick bigint NOT NULL,
  hash text NOT NULL,
  time timestamptz NOT NULL DEFAULT now()
);

-- Whole-world snapshots; recovery = latest snapshot + replay of events after it.
CREATE TABLE snapshots (
  id         bigserial PRIMARY KEY,
  tick       bigint NOT NULL,
  hash       text NOT NULL,
  format     smallint NOT NULL,
  data       bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX snapshots_tick_idx ON snapshots (tick);

-- Where each event-log consumer has read up to, per topic.
CREATE TABLE consumer_offsets (
  consumer   text NOT NULL,
  topic      text NOT NULL,
  "offset"   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, topic)
);
