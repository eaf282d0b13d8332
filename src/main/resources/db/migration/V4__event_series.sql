-- Event series: identical occurrences within a window are counted on one row (count, last_seen)
-- instead of being stored again; ts stays the first occurrence. Each occurrence gives the row a
-- new id from events_id_seq, so readers by id (?since=, the event stream) see it again.
-- Events also name their actor: "controller", or the API token that caused them.
ALTER TABLE events
  ADD COLUMN count       integer NOT NULL DEFAULT 1,
  ADD COLUMN last_seen   timestamptz,
  ADD COLUMN actor       text,
  ADD COLUMN series_key  bigint,
  ADD COLUMN series_open boolean;

UPDATE events SET last_seen = ts;
ALTER TABLE events
  ALTER COLUMN last_seen SET NOT NULL,
  ALTER COLUMN last_seen SET DEFAULT now();

-- At most one open series per key (a hash of kind, tenant, name, level, reason, message, vmid):
-- the arbiter of INSERT ... ON CONFLICT, so that concurrent identical events end on one row.
-- A series is closed (series_open NULL) when an occurrence comes after its window.
CREATE UNIQUE INDEX events_open_series ON events (series_key) WHERE series_open;

-- Retention prunes by last occurrence.
CREATE INDEX events_last_seen ON events (last_seen);
