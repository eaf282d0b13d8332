package io.cloudpods.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

@Entity
@Table(name = "backup_policy")
@DynamicUpdate
public class BackupPolicyEntity extends ResourceEntity {
  @Column(nullable = false, updatable = false)
  public String tenant;

  @Override
  public String tenantName() {
    return tenant;
  }
}
