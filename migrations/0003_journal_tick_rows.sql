-- The journal writes one events row per tick, not one per action.
--
-- A tick's accepted actions are the payload of one row of type 'tick': a JSON
-- array in applied order. Inserting a thousand jsonb rows per tick was the
-- largest part of the daemon's commit under `hexd bench net` (PGlite: ~11 ms
-- a tick against ~3 ms for one row; docs/SERVE.md), and the commit is on the
-- path of every action's reply. Rows written before this migration (one per
-- action, type = the action's type) stay as they are; both kinds are read
-- back through the view below, so recovery and anyone querying the log see
-- one row per action either way.
--
-- payload becomes json (text, checked to be JSON) instead of jsonb: the
-- journal only appends and replays it in order, and parsing a tick's array
-- into jsonb was a quarter of the commit (PGlite, 1000 actions: 2.9-3.2 ms
-- as jsonb, 2.3 ms as json).
ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::json;

-- journal_actions: one row per journaled action — the events row's seq, tick
-- and time, the action's position in its tick (ord, from 1), type, payload.
CREATE VIEW journal_actions AS
SELECT e.seq, e.tick, e.time, a.ord, a.payload ->> 'type' AS type, a.payload
FROM events e
CROSS JOIN LATERAL json_array_elements(
  CASE WHEN e.type = 'tick' THEN e.payload ELSE json_build_array(e.payload) END
) WITH ORDINALITY AS a(payload, ord);
