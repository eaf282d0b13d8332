-- Orphans are found by each cluster's resync, and VMIDs are unique only within a cluster: the
-- same VMID may be an orphan in two clusters. Rows written before this migration were found in
-- the cluster default (the only one that reported orphans).
ALTER TABLE orphan_container ADD COLUMN cluster text NOT NULL DEFAULT 'default';
ALTER TABLE orphan_container DROP CONSTRAINT orphan_container_pkey;
ALTER TABLE orphan_container ADD PRIMARY KEY (cluster, vmid);
