-- Proxmox clusters besides the configured one (cluster `default`, from cloudpods.proxmox.*, is never a
-- row). The spec names where the token secret is (a file or an environment variable of the
-- controller), never the secret itself: a CHECK keeps a control plane writing rows by SQL from
-- storing one by mistake.

CREATE TABLE proxmox_cluster (
  uid                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name               text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' AND length(name) <= 63 AND name <> 'default'),
  labels             jsonb       NOT NULL DEFAULT '{}',
  spec               jsonb       NOT NULL CHECK (NOT (spec ? 'tokenSecret')),
  status             jsonb,
  generation         bigint      NOT NULL DEFAULT 1,
  resource_version   bigint      NOT NULL DEFAULT 1,
  creation_timestamp timestamptz NOT NULL DEFAULT now(),
  deletion_timestamp timestamptz
);

CREATE TRIGGER proxmox_cluster_versions BEFORE UPDATE ON proxmox_cluster FOR EACH ROW EXECUTE FUNCTION cloudpods_bump_versions();
CREATE TRIGGER proxmox_cluster_notify AFTER INSERT OR UPDATE OR DELETE ON proxmox_cluster FOR EACH ROW EXECUTE FUNCTION cloudpods_notify_change('ProxmoxCluster');
