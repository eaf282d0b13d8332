-- Containers carrying the CloudPods marker of a pod that is not stored (a row deleted by hand, a
-- database restored from an older backup, another installation on the same cluster). Written by
-- the controller after each resync that changes the set; shown by GET /api/v1/status. The
-- controller never modifies or destroys them: an operator decides.
CREATE TABLE orphan_container (
  vmid       integer     PRIMARY KEY,
  node       text        NOT NULL,
  name       text        NOT NULL DEFAULT '',
  owner_uid  text        NOT NULL,
  status     text        NOT NULL DEFAULT '',
  tags       text[]      NOT NULL DEFAULT '{}',
  tenant_tag text,
  since      timestamptz NOT NULL
);
CREATE INDEX orphan_container_tenant ON orphan_container (tenant_tag, vmid);
