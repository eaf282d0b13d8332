-- Backups and restore: kinds BackupPolicy, Backup and Restore (docs/DATABASE.md, docs/API.md).
--
-- The three tables follow pod_set's conventions (uid, tenant FK, name unique per tenant, labels,
-- spec and status jsonb, generation/resource_version triggers, NOTIFY on every change of spec,
-- labels or deletion mark).

CREATE TABLE backup_policy (
  uid                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant             text        NOT NULL REFERENCES tenant (name) ON UPDATE RESTRICT ON DELETE RESTRICT,
  name               text        NOT NULL CHECK (name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(name) <= 63),
  labels             jsonb       NOT NULL DEFAULT '{}',
  spec               jsonb       NOT NULL,
  status             jsonb,
  generation         bigint      NOT NULL DEFAULT 1,
  resource_version   bigint      NOT NULL DEFAULT 1,
  creation_timestamp timestamptz NOT NULL DEFAULT now(),
  deletion_timestamp timestamptz,
  UNIQUE (tenant, name)
);

CREATE TABLE backup (
  uid                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant             text        NOT NULL REFERENCES tenant (name) ON UPDATE RESTRICT ON DELETE RESTRICT,
  name               text        NOT NULL CHECK (name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(name) <= 63),
  labels             jsonb       NOT NULL DEFAULT '{}',
  spec               jsonb       NOT NULL,
  status             jsonb,
  generation         bigint      NOT NULL DEFAULT 1,
  resource_version   bigint      NOT NULL DEFAULT 1,
  creation_timestamp timestamptz NOT NULL DEFAULT now(),
  deletion_timestamp timestamptz,
  UNIQUE (tenant, name)
);
-- the backups of one pod and of one policy are looked up often (overlap check, retention, restore)
CREATE INDEX backup_pod ON backup (tenant, (spec->>'pod'));
CREATE INDEX backup_policy_name ON backup (tenant, (spec->>'policy')) WHERE spec->>'policy' IS NOT NULL;

CREATE TABLE restore (
  uid                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant             text        NOT NULL REFERENCES tenant (name) ON UPDATE RESTRICT ON DELETE RESTRICT,
  name               text        NOT NULL CHECK (name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(name) <= 63),
  labels             jsonb       NOT NULL DEFAULT '{}',
  spec               jsonb       NOT NULL,
  status             jsonb,
  generation         bigint      NOT NULL DEFAULT 1,
  resource_version   bigint      NOT NULL DEFAULT 1,
  creation_timestamp timestamptz NOT NULL DEFAULT now(),
  deletion_timestamp timestamptz,
  UNIQUE (tenant, name)
);

CREATE TRIGGER backup_policy_versions BEFORE UPDATE ON backup_policy FOR EACH ROW EXECUTE FUNCTION cloudpods_bump_versions();
CREATE TRIGGER backup_versions        BEFORE UPDATE ON backup        FOR EACH ROW EXECUTE FUNCTION cloudpods_bump_versions();
CREATE TRIGGER restore_versions       BEFORE UPDATE ON restore       FOR EACH ROW EXECUTE FUNCTION cloudpods_bump_versions();

-- Like cloudpods_notify_change (V1), with 'owner' naming what the object is about, so the change
-- router can wake it without reading the row: a Backup's spec.pod, a Restore's spec.backup (null
-- for a BackupPolicy).
CREATE FUNCTION cloudpods_notify_backup_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r jsonb;
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.spec IS NOT DISTINCT FROM OLD.spec
     AND NEW.labels IS NOT DISTINCT FROM OLD.labels
     AND NEW.deletion_timestamp IS NOT DISTINCT FROM OLD.deletion_timestamp THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    r := to_jsonb(OLD);
  ELSE
    r := to_jsonb(NEW);
  END IF;
  PERFORM pg_notify('cloudpods_changes', json_build_object(
      'kind', TG_ARGV[0],
      'tenant', r->>'tenant',
      'name', r->>'name',
      'uid', r->>'uid',
      'op', TG_OP,
      'owner', CASE TG_ARGV[0]
                 WHEN 'Backup' THEN r->'spec'->>'pod'
                 WHEN 'Restore' THEN r->'spec'->>'backup'
               END)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER backup_policy_notify AFTER INSERT OR UPDATE OR DELETE ON backup_policy FOR EACH ROW EXECUTE FUNCTION cloudpods_notify_backup_change('BackupPolicy');
CREATE TRIGGER backup_notify        AFTER INSERT OR UPDATE OR DELETE ON backup        FOR EACH ROW EXECUTE FUNCTION cloudpods_notify_backup_change('Backup');
CREATE TRIGGER restore_notify       AFTER INSERT OR UPDATE OR DELETE ON restore       FOR EACH ROW EXECUTE FUNCTION cloudpods_notify_backup_change('Restore');

-- A DELETE of a backup row whose archive may exist on the storage becomes a deletion mark, like a
-- DELETE of a pod that holds an allocation (V3): the controller deals with the archive (removes it,
-- or finds it gone) and then removes the row. The row goes at once when there is no archive to deal
-- with: never started (no volid, no task), Failed, or Missing. The controller declares in its own
-- transaction that the archive has been dealt with by
--   SELECT set_config('cloudpods.backup_archive_done', 'on', true)
-- before its DELETE (BackupStore.finalizeDeletion, and the removal of a deleted tenant's backup
-- rows, whose archives stay on the storage).
CREATE FUNCTION cloudpods_backup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('cloudpods.backup_archive_done', true), '') = 'on'
     OR coalesce(OLD.status->>'phase', 'Pending') IN ('Failed', 'Missing')
     OR (OLD.status->>'volid' IS NULL AND OLD.status->>'taskRef' IS NULL) THEN
    RETURN OLD;
  END IF;
  IF OLD.deletion_timestamp IS NULL THEN
    UPDATE backup SET deletion_timestamp = now() WHERE uid = OLD.uid;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER backup_delete_marks BEFORE DELETE ON backup
  FOR EACH ROW EXECUTE FUNCTION cloudpods_backup_delete();

-- Deletion asked with ?skipFinalBackup=true (or the CLI's --skip-final-backup): the controller
-- destroys the container without taking the Final backup first.
ALTER TABLE cloud_pod ADD COLUMN skip_final_backup boolean NOT NULL DEFAULT false;

-- Tenant deletion (V5) covers the new kinds:
-- * a tenant owns something while it has a pod, a PodSet, or a backup/policy/restore row, so a
--   DELETE FROM tenant of such a tenant becomes its deletion mark;
-- * no BackupPolicy, Restore or Backup can be added to a tenant being deleted, except the Final
--   backup the controller takes of a pod on its way out;
-- * the controller deletes the tenant's policies and restores when it marks its contents, and its
--   backup rows once its pods are gone (their archives stay on the storage), then the tenant.
CREATE OR REPLACE FUNCTION cloudpods_tenant_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM cloud_pod WHERE tenant = OLD.name)
     AND NOT EXISTS (SELECT 1 FROM pod_set WHERE tenant = OLD.name)
     AND NOT EXISTS (SELECT 1 FROM backup WHERE tenant = OLD.name)
     AND NOT EXISTS (SELECT 1 FROM backup_policy WHERE tenant = OLD.name)
     AND NOT EXISTS (SELECT 1 FROM restore WHERE tenant = OLD.name) THEN
    RETURN OLD;
  END IF;
  IF OLD.deletion_timestamp IS NULL THEN
    UPDATE tenant SET deletion_timestamp = now() WHERE uid = OLD.uid;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cloudpods_refuse_in_deleted_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  marked timestamptz;
BEGIN
  SELECT deletion_timestamp INTO marked FROM tenant WHERE name = NEW.tenant FOR SHARE;
  IF marked IS NOT NULL
     AND NOT (TG_ARGV[0] = 'Backup' AND coalesce(NEW.spec->>'reason', '') = 'Final') THEN
    RAISE EXCEPTION 'tenant % is being deleted; no new % can be created in it', NEW.tenant, TG_ARGV[0]
      USING ERRCODE = 'check_violation', CONSTRAINT = 'tenant_terminating';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER backup_policy_tenant_terminating BEFORE INSERT ON backup_policy
  FOR EACH ROW EXECUTE FUNCTION cloudpods_refuse_in_deleted_tenant('BackupPolicy');
CREATE TRIGGER backup_tenant_terminating BEFORE INSERT ON backup
  FOR EACH ROW EXECUTE FUNCTION cloudpods_refuse_in_deleted_tenant('Backup');
CREATE TRIGGER restore_tenant_terminating BEFORE INSERT ON restore
  FOR EACH ROW EXECUTE FUNCTION cloudpods_refuse_in_deleted_tenant('Restore');
