#!/usr/bin/env bash
# Creates a least-privilege Proxmox VE role, user and API token for the CloudPods controller.
# Run once as root on one node of the Proxmox cluster. It prints the token secret exactly once:
# put it into cloudpods.proxmox.token-secret (or the CLOUDPODS_PROXMOX_TOKEN_SECRET variable).
#
# Token privileges are the intersection of the user's and the token's ACLs (privsep=1), so both
# get the role. Narrower alternative: grant on /pool/ClientPods, /storage/<sid> and
# /sdn/zones/localnetwork/vmbr0 instead of /.
set -euo pipefail

ROLE="${ROLE:-CloudPodsController}"
USER_ID="${USER_ID:-cloudpods@pve}"
TOKEN_NAME="${TOKEN_NAME:-controller}"

pveum role add "$ROLE" --privs "VM.Allocate VM.Clone VM.Audit VM.PowerMgmt VM.Config.CPU VM.Config.Memory VM.Config.Network VM.Config.Options VM.Config.Disk VM.Snapshot VM.Snapshot.Rollback VM.Backup Datastore.AllocateSpace Datastore.Audit Pool.Audit Pool.Allocate SDN.Use Sys.Audit"
pveum user add "$USER_ID" --comment "CloudPods controller"
pveum acl modify / --users "$USER_ID" --roles "$ROLE"
pveum user token add "$USER_ID" "$TOKEN_NAME" --privsep 1
pveum acl modify / --tokens "${USER_ID}!${TOKEN_NAME}" --roles "$ROLE"
pveum user token permissions "$USER_ID" "$TOKEN_NAME"

# The pools of the seed layout, if they do not exist yet.
pvesh create /pools --poolid MigraTeck_Production --comment "Core MigraTeck infra (mail, DNS, panel, etc.)" || true
pvesh create /pools --poolid ClientPods --comment "Customer CloudPods (tenant workloads only)" || true

echo
echo "Token id: ${USER_ID}!${TOKEN_NAME}"
echo "Certificate fingerprint of this node (for cloudpods.proxmox.fingerprint):"
openssl x509 -in /etc/pve/local/pve-ssl.pem -noout -fingerprint -sha256 | cut -d= -f2
