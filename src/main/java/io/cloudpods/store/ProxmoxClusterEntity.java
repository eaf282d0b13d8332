package io.cloudpods.store;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

@Entity
@Table(name = "proxmox_cluster")
@DynamicUpdate
public class ProxmoxClusterEntity extends ResourceEntity {
  @Override
  public String tenantName() {
    return null;
  }
}
