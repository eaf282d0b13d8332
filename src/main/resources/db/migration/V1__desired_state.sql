-- Desired state of the CloudPods controller. See docs/DATABASE.md for who may write what.
--
-- Every resource table has the same metadata columns:
--   uid                 immutable identity (DB default, so a plain INSERT works)
--   generation          rises only when spec changes (trigger fills it in if the writer did not)
--   resource_version    optimistic lock, rises on every write (trigger fills it in if the writer did not)
--   deletion_timestamp  set by DELETE; the row disappears when the controller finalizes it
-- spec and status are separate jsonb columns so that the API (spec) and the controller (status)
-- never overwrite each other.

CREATE FUNCTION cloudpods_bump_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.uid := OLD.uid;
  NEW.creation_timestamp := OLD.creation_timestamp;
  IF NEW.spec IS DISTINCT FROM OLD.spec AND NEW.generation = OLD.generation THEN
    NEW.generation := OLD.generation + 1;
  END IF;
  IF NEW.resource_version = OLD.resource_version THEN
    NEW.resource_version := OLD.resource_version + 1;
  END IF;
  RETURN NEW;
END $$;

-- Wakes the controller on any change of spec or metadata, from any writer. A status-only update
-- (the controller's own write) deliberately stays silent, or the controller would wake itself forever.
CREATE FUNCTION cloudpods_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
      'owner', r->>'owner_name')::text);
  RETURN NULL;
END $$;

CREATE TABLE tenant (
  uid                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name               text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(name) <= 63),
  labels             jsonb       NOT NULL DEFAULT '{}',
  spec               jsonb       NOT NULL DEFAULT '{}',
  status             jsonb,
  generation         bigint      NOT NULL DEFAULT 1,
  resource_version   bigint      NOT NULL DEFAULT 1,
  creation_timestamp timestamptz NOT NULL DEFAULT now(),
  deletion_timestamp timestamptz
);

CREATE TABLE ip_pool (
  uid                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name               text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(name) <= 63),
  labels             jsonb       NOT NULL DEFAULT '{}',
  spec               jsonb       NOT NULL,
  status             jsonb,
  generation         bigint      NOT NULL DEFAULT 1,
  resource_version   bigint      NOT NULL DEFAULT 1,
  creation_timestamp timestamptz NOT NULL DEFAULT now(),
  deletion_timestamp timestamptz
);

CREATE TABLE pod_set (
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

CREATE TABLE cloud_pod (
  uid                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant             text        NOT NULL REFERENCES tenant (name) ON UPDATE RESTRICT ON DELETE RESTRICT,
  name               text        NOT NULL CHECK (name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(name) <= 63),
  labels             jsonb       NOT NULL DEFAULT '{}',
  spec               jsonb       NOT NULL DEFAULT '{}',
  status             jsonb,
  generation         bigint      NOT NULL DEFAULT 1,
  resource_version   bigint      NOT NULL DEFAULT 1,
  creation_timestamp timestamptz NOT NULL DEFAULT now(),
  deletion_timestamp timestamptz,
  -- the PodSet that created this pod, if any (pods named <podset>-<ordinal>)
  owner_kind         text,
  owner_name         text,
  owner_uid          uuid,
  UNIQUE (tenant, name)
);
CREATE INDEX cloud_pod_owner ON cloud_pod (owner_uid) WHERE owner_uid IS NOT NULL;

CREATE TRIGGER tenant_versions   BEFORE UPDATE ON tenant    FOR EACH ROW EXECUTE FUNCTION cloudpods_bump_versions();
CREATE TRIGGER ip_pool_versions  BEFORE UPDATE ON ip_pool   FOR EACH ROW EXECUTE FUNCTION cloudpods_bump_versions();
CREATE TRIGGER pod_set_versions  BEFORE UPDATE ON pod_set   FOR EACH ROW EXECUTE FUNCTION cloudpods_bump_versions();
CREATE TRIGGER cloud_pod_versions BEFORE UPDATE ON cloud_pod FOR EACH ROW EXECUTE FUNCTION cloudpods_bump_versions();

CREATE TRIGGER tenant_notify    AFTER INSERT OR UPDATE OR DELETE ON tenant    FOR EACH ROW EXECUTE FUNCTION cloudpods_notify_change('Tenant');
CREATE TRIGGER ip_pool_notify   AFTER INSERT OR UPDATE OR DELETE ON ip_pool   FOR EACH ROW EXECUTE FUNCTION cloudpods_notify_change('IpPool');
CREATE TRIGGER pod_set_notify   AFTER INSERT OR UPDATE OR DELETE ON pod_set   FOR EACH ROW EXECUTE FUNCTION cloudpods_notify_change('PodSet');
CREATE TRIGGER cloud_pod_notify AFTER INSERT OR UPDATE OR DELETE ON cloud_pod FOR EACH ROW EXECUTE FUNCTION cloudpods_notify_change('CloudPod');

-- Persisted intent of the controller, written before it calls Proxmox. PostgreSQL enforces that
-- no two pods share a VMID and no two pods share an address in one pool. The row goes away with
-- the pod (finalized deletion), which releases both.
CREATE TABLE pod_allocation (
  pod_uid    uuid        PRIMARY KEY REFERENCES cloud_pod (uid) ON DELETE CASCADE,
  vmid       integer     UNIQUE,
  node       text,
  pool       text,
  ip         text,
  task_upid  text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (pool, ip),
  CHECK (ip IS NULL OR pool IS NOT NULL)
);

CREATE TABLE events (
  id       bigserial   PRIMARY KEY,
  ts       timestamptz NOT NULL DEFAULT now(),
  level    text        NOT NULL DEFAULT 'info',
  reason   text        NOT NULL,
  message  text        NOT NULL DEFAULT '',
  kind     text,
  tenant   text,
  name     text,
  vmid     integer,
  hostname text,
  ip       text,
  extra    jsonb
);
CREATE INDEX events_tenant ON events (tenant, id);

-- One row, written by the controller; read by GET /api/v1/status.
CREATE TABLE controller_state (
  id                 integer     PRIMARY KEY CHECK (id = 1),
  last_full_resync   timestamptz,
  proxmox_reachable  boolean,
  proxmox_checked_at timestamptz,
  message            text
);
INSERT INTO controller_state (id) VALUES (1);

CREATE TABLE api_token (
  id         bigserial   PRIMARY KEY,
  name       text        NOT NULL UNIQUE,
  token_hash text        NOT NULL UNIQUE,
  role       text        NOT NULL CHECK (role IN ('admin', 'tenant', 'readonly')),
  tenant     text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'tenant') = (tenant IS NOT NULL))
);
