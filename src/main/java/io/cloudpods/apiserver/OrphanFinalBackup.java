package io.cloudpods.apiserver;

import io.cloudpods.backup.PruneOptions;
import io.cloudpods.backup.VzdumpLog;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.StorageContent;
import io.cloudpods.proxmox.TaskLog;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.proxmox.VzdumpRequest;
import io.cloudpods.proxmox.VzdumpResult;
import io.cloudpods.store.BackupsConfig;
import io.cloudpods.store.OrphanContainer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The final backup of an orphan before its delete. An orphan has no pod and so no Backup object:
 * the archive itself is the record. It is a protected vzdump archive on the orphan's node whose
 * notes carry {@code orphan-final vmid=<vmid> marker=cp-<uid>}; while one exists the delete may
 * destroy the container. Each delete call does one step and answers at once (a vzdump takes
 * minutes): start the vzdump, report it running, report how it failed, or find the archive. The
 * archive stays protected until an operator removes it: nothing expires it.
 */
@ApplicationScoped
public class OrphanFinalBackup {

  /** Where the final backup of this orphan stands. */
  public sealed interface State {}

  /** The archive exists: the container may go. */
  public record Taken(String volid) implements State {}

  /** A vzdump of the container is running (started by this delete or by anyone). */
  public record Running(String task) implements State {}

  /** The vzdump named by the caller ended without an archive. */
  public record Failed(String task, String message) implements State {}

  private static final int LOG_LINES = 500;

  private final BackupsConfig defaults;

  public OrphanFinalBackup(BackupsConfig defaults) {
    this.defaults = defaults;
  }

  /** The notes that mark an orphan's final archive, the same on every call. */
  static String notesOf(OrphanContainer o) {
    return "orphan-final vmid=" + o.vmid() + " marker=cp-" + o.ownerUid();
  }

  /**
   * One step of the orphan's final backup. {@code task} is the vzdump task an earlier call answered
   * with, when the caller passes it back; without it a new vzdump is started unless the archive
   * exists or the container is already being backed up. {@code proxmox} is the client of the
   * orphan's cluster.
   */
  public State step(
      ProxmoxClient proxmox, OrphanContainer o, LxcConfig config, Optional<String> task) {
    Optional<StorageContent> archive = archive(proxmox, o);
    if (archive.isPresent()) {
      return new Taken(archive.get().volid());
    }
    if (task.isPresent()) {
      Upid upid = parseTask(o, task.get());
      TaskStatus ts;
      try {
        ts = proxmox.taskStatus(upid);
      } catch (ProxmoxNotFoundException e) {
        throw ApiException.invalid(
            "finalBackupTask", "task " + task.get() + " is not known on node " + o.node());
      }
      if (ts.running()) {
        return new Running(task.get());
      }
      List<String> lines =
          proxmox.taskLog(upid, 0, LOG_LINES).lines().stream().map(TaskLog.Line::text).toList();
      VzdumpLog log = VzdumpLog.parse(lines);
      if (!ts.isOk()) {
        return new Failed(task.get(), log.failureMessage(ts.exitStatus().orElse("failed")));
      }
      // OK, yet not in the content listing under our notes: read the log's volid once more
      Optional<String> volid = log.volid(defaults.storage());
      if (volid.isPresent()) {
        return new Taken(volid.get());
      }
      return new Failed(
          task.get(), "vzdump ended OK but neither its log nor the storage names an archive");
    }
    if (config.lock().filter("backup"::equals).isPresent()) {
      throw ApiException.conflict(
          "name",
          "CT "
              + o.vmid()
              + " is being backed up (lock backup); delete it again once that backup finished");
    }
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("notes-template", "{{guestname}} " + notesOf(o));
    extra.put("protected", "1");
    extra.putAll(PruneOptions.forVzdump(Optional.empty()));
    VzdumpResult started;
    try {
      started =
          proxmox.vzdump(
              o.node(),
              new VzdumpRequest(
                  List.of(o.vmid()),
                  Optional.of(defaults.storage()),
                  Optional.of(defaults.mode()),
                  Optional.of(defaults.compress()),
                  extra));
    } catch (ProxmoxException e) {
      return new Failed(null, "vzdump refused: " + e.getMessage());
    }
    if (started.isNothingToDo()) {
      return new Failed(
          null, "vzdump had nothing to do: CT " + o.vmid() + " is not on node " + o.node());
    }
    return new Running(started.task().get().text());
  }

  private Optional<StorageContent> archive(ProxmoxClient proxmox, OrphanContainer o) {
    String notes = notesOf(o);
    return proxmox
        .storageContent(o.node(), defaults.storage(), Optional.of("backup"), Optional.of(o.vmid()))
        .stream()
        .filter(c -> c.isProtected() && c.notes().filter(n -> n.contains(notes)).isPresent())
        .max(Comparator.comparingLong(StorageContent::ctime));
  }

  private static Upid parseTask(OrphanContainer o, String text) {
    Upid upid;
    try {
      upid = Upid.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("finalBackupTask", "not a Proxmox task id (UPID): " + text);
    }
    if (!"vzdump".equals(upid.type()) || !o.node().equals(upid.node())) {
      throw ApiException.invalid(
          "finalBackupTask",
          "task " + text + " is not a vzdump task on node " + o.node() + " (the orphan's node)");
    }
    return upid;
  }
}
