package io.cloudpods.store;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

@Entity
@Table(name = "ip_pool")
@DynamicUpdate
public class IpPoolEntity extends ResourceEntity {
  @Override
  public String tenantName() {
    return null;
  }
}
