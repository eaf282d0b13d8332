package io.cloudpods.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;

@Entity
@Table(name = "cloud_pod")
@DynamicUpdate
public class CloudPodEntity extends ResourceEntity {
  @Column(nullable = false, updatable = false)
  public String tenant;

  @Column(name = "owner_kind")
  public String ownerKind;

  @Column(name = "owner_name")
  public String ownerName;

  @Column(name = "owner_uid")
  public UUID ownerUid;

  /** The cluster the pod lives in, chosen by the database when the row is inserted (V13). */
  @Column(insertable = false, updatable = false)
  public String cluster;

  @Override
  public String tenantName() {
    return tenant;
  }
}
