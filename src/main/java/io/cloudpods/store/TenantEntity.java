package io.cloudpods.store;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

@Entity
@Table(name = "tenant")
@DynamicUpdate
public class TenantEntity extends ResourceEntity {
  @Override
  public String tenantName() {
    return null;
  }
}
