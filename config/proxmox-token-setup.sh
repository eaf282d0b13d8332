#!/usr/bin/env bash
# Creates the least-privilege Proxmox VE roles, user and API token for the CloudPods controller.
# Run once as root on one node of the Proxmox cluster. It prints the token secret exactly once:
# put it into cloudpods.proxmox.token-secret (or the CLOUDPODS_PROXMOX_TOKEN_SECRET variable).
#
# What the token can touch (nothing is granted on /, /vms, /storage or any other pool):
#   /pool/ClientPods        ClientPodsCT: the pool's guests (create by clone into the pool, config,
#                           resize, power, destroy) and Pool.Audit to see the pool membership
#   /vms/<template>         PVETemplateUser: VM.Clone and VM.Audit on the template(s) only
#   /storage/clients-main   ClientPodsStore: allocate pod disks, see the storage's usage
#   /sdn/zones/localnetwork/<bridge>  PVESDNUser: attach pods to the bridge (VLAN tags below it)
#   /nodes                  NodeAudit: node CPU/memory in /cluster/resources, for placement
#   /storage/vzdump-backups ClientPodsBackupStore: backups, retention and restore (WITH_BACKUPS=1,
#                           the default), see below
# Privileges the controller does not use are not granted: no snapshots, no Pool.Allocate, no
# Sys.Modify, no VM.Console/Migrate, and Datastore.Allocate only on the backup storage.
#
# Backups (WITH_BACKUPS=1; set WITH_BACKUPS=0 for a controller that never backs up). What Proxmox
# checks, and so what is granted:
#   vzdump (pve-manager API2/VZDump.pm)     Datastore.AllocateSpace on the target storage; VM.Backup
#                                           on each guest, checked inside the task (VZDump.pm);
#                                           Datastore.Allocate for the prune-backups option (the
#                                           policy's retention) and for more than 5 protected
#                                           backups per guest (max-protected-backups)
#   storage content list / PUT notes,       check_volume_access: Datastore.Allocate on the storage,
#   protected (pve-storage Content.pm)      else Datastore.AllocateSpace + VM.Backup on the owner -
#                                           which a destroyed pod no longer has through the pool, so
#                                           without Datastore.Allocate its final backup would vanish
#                                           from the list and could not be restored
#   content DELETE, prune of one guest      Datastore.AllocateSpace + VM.Backup on the owner guest
#   (Content.pm, PruneBackups.pm)           (Datastore.Allocate alone does not do for backups)
#   restore (pve-container API2/LXC.pm      VM.Allocate on the new VMID via the pool, the archive by
#   create_vm restore=1)                    check_volume_access (above), Datastore.AllocateSpace on
#                                           the target storage
# So VM.Backup joins the pool role, and the backup storage gets ClientPodsBackupStore. Note that
# Datastore.Allocate on the backup storage also lets the token see, restore from and unprotect
# every backup on it (also those of MigraTeck_Production guests) and edit that storage's
# definition: give CloudPods a backup storage of its own. Deleting a backup of a guest that no
# longer exists needs VM.Backup on /vms/<vmid>, which this script does not grant.
#
# Every grant goes to the user AND the token: with privsep=1 the token keeps, path by path, only
# what both have. MigraTeck_Production guests stay out of reach of the token; also set
# "protection: 1" on them (a forced restore over a stopped CT is otherwise allowed by VM.Allocate
# on /pool/ClientPods).
set -euo pipefail

USER_ID="${USER_ID:-clientpods-ctl@pve}"
TOKEN_NAME="${TOKEN_NAME:-ctl}"
POOL="${POOL:-ClientPods}"
TEMPLATE_VMIDS="${TEMPLATE_VMIDS:-9000}"
STORAGE="${STORAGE:-clients-main}"
BRIDGE="${BRIDGE:-vmbr0}"
BACKUP_STORAGE="${BACKUP_STORAGE:-vzdump-backups}"
WITH_BACKUPS="${WITH_BACKUPS:-1}"

CT_PRIVS="VM.Audit VM.Allocate VM.Config.CPU VM.Config.Memory VM.Config.Network VM.Config.Options VM.Config.Disk VM.PowerMgmt Pool.Audit"
if [ "$WITH_BACKUPS" = "1" ]; then
  CT_PRIVS="$CT_PRIVS VM.Backup"
fi

# The pools of the seed layout, if they do not exist yet.
pvesh create /pools --poolid MigraTeck_Production --comment "Core MigraTeck infra (mail, DNS, panel, etc.)" || true
pvesh create /pools --poolid "$POOL" --comment "Customer CloudPods (tenant workloads only)" || true

pveum role add ClientPodsCT --privs "$CT_PRIVS"
pveum role add ClientPodsStore --privs "Datastore.Audit Datastore.AllocateSpace"
pveum role add NodeAudit --privs "Sys.Audit"
if [ "$WITH_BACKUPS" = "1" ]; then
  pveum role add ClientPodsBackupStore --privs "Datastore.Audit Datastore.AllocateSpace Datastore.Allocate"
fi
pveum user add "$USER_ID" --comment "CloudPods controller"
pveum user token add "$USER_ID" "$TOKEN_NAME" --privsep 1

TOKEN_ID="${USER_ID}!${TOKEN_NAME}"
pveum acl modify "/pool/$POOL" --roles ClientPodsCT --users "$USER_ID" --tokens "$TOKEN_ID" --propagate 0
for vmid in $TEMPLATE_VMIDS; do
  pveum acl modify "/vms/$vmid" --roles PVETemplateUser --users "$USER_ID" --tokens "$TOKEN_ID" --propagate 0
done
pveum acl modify "/storage/$STORAGE" --roles ClientPodsStore --users "$USER_ID" --tokens "$TOKEN_ID" --propagate 0
if [ "$WITH_BACKUPS" = "1" ]; then
  pveum acl modify "/storage/$BACKUP_STORAGE" --roles ClientPodsBackupStore --users "$USER_ID" --tokens "$TOKEN_ID" --propagate 0
fi
pveum acl modify "/sdn/zones/localnetwork/$BRIDGE" --roles PVESDNUser --users "$USER_ID" --tokens "$TOKEN_ID" --propagate 1
pveum acl modify /nodes --roles NodeAudit --users "$USER_ID" --tokens "$TOKEN_ID" --propagate 1

pveum user token permissions "$USER_ID" "$TOKEN_NAME"

echo
echo "Token id: ${TOKEN_ID}"
echo "Certificate fingerprint of this node (for cloudpods.proxmox.fingerprint):"
openssl x509 -in /etc/pve/local/pve-ssl.pem -noout -fingerprint -sha256 | cut -d= -f2
