package io.cloudpods.proxmox;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * An item of {@code GET /nodes/{node}/storage/{storage}/content} (backup, template, disk image...).
 */
public record StorageContent(
    String volid,
    String content,
    String format,
    long size,
    long ctime,
    OptionalInt vmid,
    Optional<String> subtype,
    Optional<String> notes,
    boolean isProtected) {}
