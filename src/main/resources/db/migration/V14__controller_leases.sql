-- Several controller replicas on one database. Each Proxmox cluster's reconcile work runs on the
-- replica holding that cluster's lease. Leases are timed by this database's clock (now()), never the
-- replicas' clocks, and carry a generation (fencing token) that grows on every takeover: a replica
-- proves "holder = me AND generation = mine AND expires_at > now() + the call's timeout" in the
-- transaction that writes a Proxmox call's intent, or makes no call.

CREATE TABLE controller_replica (
  id          text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
  host        text        NOT NULL,
  pid         bigint      NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  seen_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE controller_lease (
  cluster     text        PRIMARY KEY,
  holder      text,
  generation  bigint      NOT NULL DEFAULT 0 CHECK (generation >= 0),
  acquired_at timestamptz,
  renewed_at  timestamptz,
  expires_at  timestamptz NOT NULL DEFAULT now()
);

-- Every grant of a lease, kept for audits (which generation held which cluster from when): the
-- end-to-end tests check the simulator's journal against it.
CREATE TABLE controller_lease_grant (
  cluster     text        NOT NULL,
  generation  bigint      NOT NULL,
  holder      text        NOT NULL,
  acquired_at timestamptz NOT NULL,
  PRIMARY KEY (cluster, generation)
);
