package io.cloudpods.proxmox;

/** Task polling, for consumers that only follow tasks started earlier. */
public interface TaskReader {

  /**
   * {@code GET /nodes/{upid.node}/tasks/{upid}/status}. A task unknown to the server raises
   * {@link ProxmoxNotFoundException}.
   */
  TaskStatus taskStatus(Upid upid);

  /** {@code GET /nodes/{upid.node}/tasks/{upid}/log?start=&limit=}; {@code start} is 0-based. */
  TaskLog taskLog(Upid upid, int start, int limit);
}
