-- API tokens managed through POST/GET/DELETE /api/v1/tokens (docs/API.md, docs/SECURITY.md).
--
-- tenant_uid binds a tenant token to one tenant row, not to its name: when the tenant row goes,
-- its tokens go with it (ON DELETE CASCADE), and a tenant created later under the same name has a
-- new uid, so an old token never comes back to life. The tenant column keeps the name for display.
ALTER TABLE api_token
  ADD COLUMN tenant_uid   uuid REFERENCES tenant (uid) ON DELETE CASCADE,
  ADD COLUMN expires_at   timestamptz,
  ADD COLUMN last_used_at timestamptz,
  ADD COLUMN created_by   text;

UPDATE api_token t SET tenant_uid = tn.uid FROM tenant tn WHERE t.role = 'tenant' AND tn.name = t.tenant;
-- a tenant token whose tenant no longer exists authenticates nobody: remove it
DELETE FROM api_token WHERE role = 'tenant' AND tenant_uid IS NULL;

ALTER TABLE api_token
  ADD CONSTRAINT api_token_tenant_uid_check CHECK ((role = 'tenant') = (tenant_uid IS NOT NULL));

CREATE INDEX api_token_tenant_uid ON api_token (tenant_uid);
