package io.cloudpods.proxmox;

import java.util.OptionalInt;

/**
 * An item of {@code GET /nodes/{node}/storage/{storage}/prunebackups}: a backup volume and what
 * Proxmox's prune would do with it ({@code mark} is {@code keep}, {@code remove}, {@code protected}
 * or {@code renamed}).
 */
public record PruneMark(String volid, long ctime, String mark, String type, OptionalInt vmid) {

  public boolean removed() {
    return "remove".equals(mark);
  }
}
