package io.cloudpods.proxmox;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /nodes/{node}/lxc/{vmid}/clone}. The server allows {@code storage} only for full
 * clones, and defaults {@code full} to false for a template source, so a target storage is accepted
 * here only together with {@code full = true} (rejected at construction otherwise). {@code full}
 * empty means "server default" (linked for templates, full otherwise).
 */
public record CloneRequest(
    int newid,
    Optional<String> hostname,
    Optional<String> description,
    Optional<String> pool,
    Optional<String> storage,
    Optional<Boolean> full,
    Optional<String> target,
    Optional<String> snapname) {

  public CloneRequest {
    if (newid < 100) {
      throw new IllegalArgumentException("newid must be >= 100, got " + newid);
    }
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(full, "full");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(snapname, "snapname");
    if (storage.isPresent() && !full.orElse(false)) {
      throw new IllegalArgumentException(
          "clone target storage '"
              + storage.get()
              + "' requires full=true (the server rejects 'storage' for linked clones)");
    }
  }

  public static Builder builder(int newid) {
    return new Builder(newid);
  }

  /** Fluent construction of a {@link CloneRequest}. */
  public static final class Builder {
    private final int newid;
    private String hostname;
    private String description;
    private String pool;
    private String storage;
    private Boolean full;
    private String target;
    private String snapname;

    private Builder(int newid) {
      this.newid = newid;
    }

    public Builder hostname(String v) {
      hostname = v;
      return this;
    }

    public Builder description(String v) {
      description = v;
      return this;
    }

    public Builder pool(String v) {
      pool = v;
      return this;
    }

    /** Full clone onto {@code storage}. */
    public Builder fullCloneTo(String v) {
      storage = v;
      full = true;
      return this;
    }

    public Builder storage(String v) {
      storage = v;
      return this;
    }

    public Builder full(boolean v) {
      full = v;
      return this;
    }

    public Builder target(String v) {
      target = v;
      return this;
    }

    public Builder snapname(String v) {
      snapname = v;
      return this;
    }

    public CloneRequest build() {
      return new CloneRequest(
          newid,
          Optional.ofNullable(hostname),
          Optional.ofNullable(description),
          Optional.ofNullable(pool),
          Optional.ofNullable(storage),
          Optional.ofNullable(full),
          Optional.ofNullable(target),
          Optional.ofNullable(snapname));
    }
  }
}
