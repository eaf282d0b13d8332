-- A DELETE of a cloud_pod row that still holds a pod_allocation becomes a deletion mark.
--
-- The allocation is the only record that the pod's VMID and address are in use. Deleting the row
-- used to cascade it away while the container kept running: the next pod could be handed the same
-- address, and the container was left behind as an orphan. Now such a DELETE sets
-- deletion_timestamp instead (the row stays, reported as DELETE 0), which wakes the controller like
-- any deletion mark: it removes the container, releases the allocation, then deletes the row.
--
-- Rows without an allocation (nothing reserved, so nothing in Proxmox) are deleted as before; this
-- is also how the controller's own CloudPodStore.finalizeDeletion removes a row once it has
-- released the allocation. See docs/DATABASE.md.
CREATE FUNCTION cloudpods_cloud_pod_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pod_allocation WHERE pod_uid = OLD.uid) THEN
    RETURN OLD;
  END IF;
  IF OLD.deletion_timestamp IS NULL THEN
    UPDATE cloud_pod SET deletion_timestamp = now() WHERE uid = OLD.uid;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER cloud_pod_delete_marks BEFORE DELETE ON cloud_pod
  FOR EACH ROW EXECUTE FUNCTION cloudpods_cloud_pod_delete();
