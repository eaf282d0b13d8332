package io.cloudpods.cloudpod.exec;

import io.cloudpods.cloudpod.plan.Action;
import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.CreateContainerRequest;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.Upid;
import java.util.List;
import java.util.Optional;

/**
 * Maps each {@link Action} to exactly one {@link ProxmoxClient} call. Returns the task the call
 * started, if any. {@link Action.Wait} and {@link Action.Blocked} make no call: they are outcomes
 * for the reconciler to report.
 */
public final class ActionExecutor {

  private final ProxmoxClient client;

  public ActionExecutor(ProxmoxClient client) {
    this.client = client;
  }

  public Optional<Upid> execute(Action action) {
    if (action instanceof Action.CloneContainer c) {
      CloneRequest.Builder b =
          CloneRequest.builder(c.newVmid())
              .hostname(c.hostname())
              .description(c.description())
              .pool(c.pool());
      if (c.full()) {
        c.storage().ifPresentOrElse(b::fullCloneTo, () -> b.full(true));
      } else {
        b.full(false);
      }
      return Optional.of(client.cloneContainer(c.node(), c.sourceVmid(), b.build()));
    }
    if (action instanceof Action.RestoreContainer r) {
      return Optional.of(client.createContainer(r.node(), restoreRequest(r)));
    }
    if (action instanceof Action.UpdateConfig u) {
      client.updateConfig(u.node(), u.vmid(), new ConfigUpdate(u.set(), u.delete(), u.digest()));
      return Optional.empty();
    }
    if (action instanceof Action.UpdateFirewallOptions f) {
      client.updateFirewallOptions(
          f.node(), f.vmid(), new ConfigUpdate(f.set(), List.of(), f.digest()));
      return Optional.empty();
    }
    if (action instanceof Action.CreateIpSet c) {
      client.createIpSet(c.node(), c.vmid(), c.name(), Optional.empty());
      return Optional.empty();
    }
    if (action instanceof Action.AddIpSetEntry a) {
      client.addIpSetEntry(a.node(), a.vmid(), a.name(), a.cidr(), Optional.empty());
      return Optional.empty();
    }
    if (action instanceof Action.RemoveIpSetEntry r) {
      client.removeIpSetEntry(r.node(), r.vmid(), r.name(), r.cidr());
      return Optional.empty();
    }
    if (action instanceof Action.ResizeDisk r) {
      return Optional.of(client.resize(r.node(), r.vmid(), r.disk(), r.sizeGb() + "G"));
    }
    if (action instanceof Action.Start s) {
      return Optional.of(client.start(s.node(), s.vmid()));
    }
    if (action instanceof Action.Shutdown s) {
      return Optional.of(client.shutdown(s.node(), s.vmid(), s.timeoutSeconds(), s.forceStop()));
    }
    if (action instanceof Action.Stop s) {
      return Optional.of(client.stop(s.node(), s.vmid()));
    }
    if (action instanceof Action.Destroy d) {
      return Optional.of(client.delete(d.node(), d.vmid(), DeleteOptions.DEFAULT));
    }
    if (action instanceof Action.Wait || action instanceof Action.Blocked) {
      return Optional.empty();
    }
    throw new IllegalArgumentException("no executor mapping for " + action);
  }

  /**
   * The create call of a restore: {@code ostemplate=<volid>}, {@code restore=1}, {@code
   * storage=<storage>} (where the archive's volumes are put), {@code force}/{@code unique} only
   * when set (Proxmox's defaults are off), then the config keys given over the archive's.
   */
  public static CreateContainerRequest restoreRequest(Action.RestoreContainer r) {
    CreateContainerRequest.Builder b =
        CreateContainerRequest.builder(r.vmid(), r.volid())
            .set("restore", "1")
            .set("storage", r.storage());
    if (r.force()) {
      b.set("force", "1");
    }
    if (r.unique()) {
      b.set("unique", "1");
    }
    r.pool().ifPresent(b::pool);
    r.config().forEach(b::set);
    return b.build();
  }
}
