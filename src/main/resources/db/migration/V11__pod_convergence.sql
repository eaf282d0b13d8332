-- When a pod's spec last changed, what kind of change it was, and which generation has been seen
-- Ready: the figures behind cloudpods_convergence_seconds{action} (docs/OBSERVABILITY.md).
--
-- A trigger on cloud_pod keeps one row per pod: a new pod starts it with action 'create'; every
-- generation bump (from any writer: the API, apply, or plain SQL) sets the generation, the time of
-- the change (the database's clock) and the action it stands for:
--   start / stop  spec.powerState changed
--   resize        cores, memoryMb, swapMb or diskGb changed
--   restore       spec.restoreFrom changed
--   config        anything else
-- A pod changed again before it was ever Ready stays a 'create'. The controller marks
-- recorded_generation when it writes Ready=True for that generation, once: the same UPDATE tells it
-- whether the observation is new and how long the change took. Its own table, so that marking a
-- generation never bumps the pod's resourceVersion.

CREATE TABLE pod_convergence (
  pod_uid             uuid        PRIMARY KEY REFERENCES cloud_pod (uid) ON DELETE CASCADE,
  generation          bigint      NOT NULL,
  action              text        NOT NULL,
  changed_at          timestamptz NOT NULL DEFAULT now(),
  recorded_generation bigint
);

CREATE FUNCTION cloudpods_spec_change_action(old_spec jsonb, new_spec jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN lower(coalesce(old_spec->>'powerState', 'running'))
         IS DISTINCT FROM lower(coalesce(new_spec->>'powerState', 'running'))
      THEN CASE WHEN lower(coalesce(new_spec->>'powerState', 'running')) = 'stopped'
                THEN 'stop' ELSE 'start' END
    WHEN old_spec->'cores' IS DISTINCT FROM new_spec->'cores'
      OR old_spec->'memoryMb' IS DISTINCT FROM new_spec->'memoryMb'
      OR old_spec->'swapMb' IS DISTINCT FROM new_spec->'swapMb'
      OR old_spec->'diskGb' IS DISTINCT FROM new_spec->'diskGb'
      THEN 'resize'
    WHEN old_spec->'restoreFrom' IS DISTINCT FROM new_spec->'restoreFrom'
      THEN 'restore'
    ELSE 'config'
  END
$$;

CREATE FUNCTION cloudpods_track_spec_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO pod_convergence (pod_uid, generation, action, changed_at)
      VALUES (NEW.uid, NEW.generation, 'create', now())
      ON CONFLICT (pod_uid) DO NOTHING;
  ELSIF NEW.generation IS DISTINCT FROM OLD.generation THEN
    INSERT INTO pod_convergence AS c (pod_uid, generation, action, changed_at)
      VALUES (NEW.uid, NEW.generation, cloudpods_spec_change_action(OLD.spec, NEW.spec), now())
      ON CONFLICT (pod_uid) DO UPDATE SET
        generation = EXCLUDED.generation,
        changed_at = EXCLUDED.changed_at,
        action = CASE WHEN c.recorded_generation IS NULL AND c.action = 'create'
                      THEN 'create' ELSE EXCLUDED.action END;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER cloud_pod_spec_change AFTER INSERT OR UPDATE ON cloud_pod
  FOR EACH ROW EXECUTE FUNCTION cloudpods_track_spec_change();

-- pods that exist already count as seen: no observation for a change made before this migration
INSERT INTO pod_convergence (pod_uid, generation, action, changed_at, recorded_generation)
  SELECT uid, generation, 'create', creation_timestamp, generation FROM cloud_pod;
