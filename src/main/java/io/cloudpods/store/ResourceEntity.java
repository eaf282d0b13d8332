package io.cloudpods.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * Columns shared by every desired-state table. {@code status} is read-only here on purpose: JPA
 * writes only spec and metadata, and the controller writes status with its own UPDATE, so neither
 * writer can overwrite the other's half.
 */
@MappedSuperclass
public abstract class ResourceEntity extends PanacheEntityBase {
  @Id public UUID uid;

  @Column(nullable = false)
  public String name;

  @Column(columnDefinition = "jsonb", nullable = false)
  @ColumnTransformer(write = "?::jsonb")
  public String labels;

  @Column(columnDefinition = "jsonb", nullable = false)
  @ColumnTransformer(write = "?::jsonb")
  public String spec;

  @Column(columnDefinition = "jsonb", insertable = false, updatable = false)
  public String status;

  @Column(nullable = false)
  public long generation;

  @Version
  @Column(name = "resource_version", nullable = false)
  public long resourceVersion;

  @Column(name = "creation_timestamp", nullable = false, updatable = false)
  public Instant creationTimestamp;

  @Column(name = "deletion_timestamp")
  public Instant deletionTimestamp;

  /** The tenant for tenant-scoped kinds, null otherwise. */
  public abstract String tenantName();
}
