package io.cloudpods.proxmox;

import java.util.Optional;

/**
 * Result of {@code vzdump}: a task to follow, or nothing (the server answers {@code "OK"} when
 * there is nothing to back up on this node).
 */
public record VzdumpResult(Optional<Upid> task) {

  public static VzdumpResult started(Upid upid) {
    return new VzdumpResult(Optional.of(upid));
  }

  public static VzdumpResult nothingToDo() {
    return new VzdumpResult(Optional.empty());
  }

  public boolean isNothingToDo() {
    return task.isEmpty();
  }
}
