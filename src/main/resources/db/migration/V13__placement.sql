-- Placement: every pod lives in one Proxmox cluster for life, chosen when its row is inserted from
-- its spec.region (else its tenant's defaultRegion, else the configured cluster 'default'). The
-- choice is made here, so that pods written as rows by a control plane are placed like those
-- written through the API. VMIDs are unique per cluster, not across clusters.

-- the region of the cluster 'default' (cloudpods.region), written by the application at start
ALTER TABLE controller_state ADD COLUMN default_region text;

-- one cluster per region
CREATE UNIQUE INDEX proxmox_cluster_region ON proxmox_cluster ((spec->>'region'));

ALTER TABLE cloud_pod ADD COLUMN cluster text;
UPDATE cloud_pod SET cluster = 'default';
ALTER TABLE cloud_pod ALTER COLUMN cluster SET NOT NULL;
CREATE INDEX cloud_pod_cluster ON cloud_pod (cluster);

CREATE FUNCTION cloudpods_place_pod() RETURNS trigger AS $$
DECLARE
  wanted text;
  found  text;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.spec->>'region' IS NOT NULL AND OLD.spec->>'region' IS NOT NULL
       AND NEW.spec->>'region' <> OLD.spec->>'region' THEN
      RAISE EXCEPTION 'spec.region: is immutable (the pod lives in region %)', OLD.spec->>'region'
        USING ERRCODE = 'check_violation';
    END IF;
    NEW.cluster := OLD.cluster;
    RETURN NEW;
  END IF;
  wanted := COALESCE(NEW.spec->>'region',
                     (SELECT t.spec->>'defaultRegion' FROM tenant t WHERE t.name = NEW.tenant));
  IF wanted IS NULL THEN
    NEW.cluster := 'default';
    RETURN NEW;
  END IF;
  SELECT c.name INTO found FROM proxmox_cluster c WHERE c.spec->>'region' = wanted;
  IF found IS NULL AND wanted = COALESCE((SELECT s.default_region FROM controller_state s), 'default') THEN
    found := 'default';
  END IF;
  IF found IS NULL THEN
    RAISE EXCEPTION 'spec.region: no Proxmox cluster serves region %', wanted
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.cluster := found;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER cloud_pod_place BEFORE INSERT OR UPDATE ON cloud_pod
  FOR EACH ROW EXECUTE FUNCTION cloudpods_place_pod();

-- an allocation is in its pod's cluster; a VMID is unique within one cluster
ALTER TABLE pod_allocation ADD COLUMN cluster text;
UPDATE pod_allocation SET cluster = 'default';
ALTER TABLE pod_allocation ALTER COLUMN cluster SET NOT NULL;
ALTER TABLE pod_allocation DROP CONSTRAINT pod_allocation_vmid_key;
ALTER TABLE pod_allocation ADD CONSTRAINT pod_allocation_cluster_vmid_key UNIQUE (cluster, vmid);

CREATE FUNCTION cloudpods_allocation_cluster() RETURNS trigger AS $$
BEGIN
  NEW.cluster := COALESCE((SELECT p.cluster FROM cloud_pod p WHERE p.uid = NEW.pod_uid), 'default');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER pod_allocation_cluster BEFORE INSERT OR UPDATE ON pod_allocation
  FOR EACH ROW EXECUTE FUNCTION cloudpods_allocation_cluster();
