package io.cloudpods.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The single {@code controller_state} row: written by the controller, shown by {@code GET
 * /api/v1/status}.
 */
@ApplicationScoped
@Transactional
public class ControllerStateStore {
  private final EntityManager em;

  public ControllerStateStore(EntityManager em) {
    this.em = em;
  }

  public ControllerState get() {
    Object[] r =
        (Object[])
            em.createNativeQuery(
                    "SELECT last_full_resync, proxmox_reachable, proxmox_checked_at, message FROM controller_state WHERE id = 1")
                .getSingleResult();
    return new ControllerState(
        EventStore.instant(r[0]), (Boolean) r[1], EventStore.instant(r[2]), (String) r[3]);
  }

  /** Called by the controller when a full resync pass has finished. */
  public void recordFullResync(Instant at) {
    em.createNativeQuery("UPDATE controller_state SET last_full_resync = ?1 WHERE id = 1")
        .setParameter(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
        .executeUpdate();
  }

  /** Called by the controller after each contact (or failed contact) with Proxmox. */
  public void recordProxmoxReachable(boolean reachable, String message, Instant at) {
    em.createNativeQuery(
            "UPDATE controller_state SET proxmox_reachable = ?1, message = CAST(?2 AS text), proxmox_checked_at = ?3 WHERE id = 1")
        .setParameter(1, reachable)
        .setParameter(2, message)
        .setParameter(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
        .executeUpdate();
  }

  /**
   * Records the region of the configured cluster {@code default}, which the database needs to place
   * a pod naming that region (migration V13).
   */
  public void recordDefaultRegion(String region) {
    em.createNativeQuery("UPDATE controller_state SET default_region = ?1 WHERE id = 1")
        .setParameter(1, region)
        .executeUpdate();
  }
}
