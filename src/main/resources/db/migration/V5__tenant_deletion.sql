-- Tenants are deleted like Kubernetes namespaces: the tenant is marked (deletion_timestamp), it
-- takes no new CloudPods or PodSets, the controller deletes what it owns through the normal
-- deletion path, and removes the tenant row once it owns nothing. See docs/DATABASE.md.

-- A DELETE of a tenant row that still owns CloudPods or PodSets becomes a deletion mark (the row
-- stays, reported as DELETE 0), like a DELETE of a pod that holds an allocation (V3). A tenant that
-- owns nothing is deleted as before; this is also how the controller removes a marked tenant once
-- its last pod and PodSet are gone. The foreign keys stay ON DELETE RESTRICT as the last guard.
CREATE FUNCTION cloudpods_tenant_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM cloud_pod WHERE tenant = OLD.name)
     AND NOT EXISTS (SELECT 1 FROM pod_set WHERE tenant = OLD.name) THEN
    RETURN OLD;
  END IF;
  IF OLD.deletion_timestamp IS NULL THEN
    UPDATE tenant SET deletion_timestamp = now() WHERE uid = OLD.uid;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER tenant_delete_marks BEFORE DELETE ON tenant
  FOR EACH ROW EXECUTE FUNCTION cloudpods_tenant_delete();

-- No writer (API, controller, SQL) can add a CloudPod or PodSet to a tenant that is being deleted.
-- The tenant row is read FOR SHARE, so an insert and the marking of its tenant are serialised:
-- either the insert sees the mark and fails, or the mark waits and the controller then finds the
-- new row and deletes it with the rest.
CREATE FUNCTION cloudpods_refuse_in_deleted_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  marked timestamptz;
BEGIN
  SELECT deletion_timestamp INTO marked FROM tenant WHERE name = NEW.tenant FOR SHARE;
  IF marked IS NOT NULL THEN
    RAISE EXCEPTION 'tenant % is being deleted; no new % can be created in it', NEW.tenant, TG_ARGV[0]
      USING ERRCODE = 'check_violation', CONSTRAINT = 'tenant_terminating';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER cloud_pod_tenant_terminating BEFORE INSERT ON cloud_pod
  FOR EACH ROW EXECUTE FUNCTION cloudpods_refuse_in_deleted_tenant('CloudPod');
CREATE TRIGGER pod_set_tenant_terminating BEFORE INSERT ON pod_set
  FOR EACH ROW EXECUTE FUNCTION cloudpods_refuse_in_deleted_tenant('PodSet');

-- A tenant's mark cannot be taken back: Kubernetes does not un-delete a namespace either, and the
-- controller may already have removed some of its pods.
CREATE FUNCTION cloudpods_tenant_keep_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.deletion_timestamp IS NOT NULL AND NEW.deletion_timestamp IS NULL THEN
    NEW.deletion_timestamp := OLD.deletion_timestamp;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER tenant_keep_mark BEFORE UPDATE ON tenant
  FOR EACH ROW EXECUTE FUNCTION cloudpods_tenant_keep_mark();
