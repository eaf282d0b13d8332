package io.cloudpods.backup;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code notes-template} given to vzdump, which Proxmox stores as the archive's notes: the
 * guest name (Proxmox fills {@code {{guestname}}}), then who the archive belongs to ({@code
 * cloudpods tenant=acme pod=web-0 backup=web-0-nightly-202603010200}). The {@code backup=} part
 * lets the controller recognise its archive in the storage content after a crash that lost the task
 * id. Backslashes and line feeds, which the template refuses, never occur in names. Pure.
 */
public final class BackupNotes {

  private static final Pattern BACKUP = Pattern.compile("(?:^|\\s)backup=(\\S+)");

  private BackupNotes() {}

  public static String template(String tenant, String pod, String backup, String userNotes) {
    String base = "{{guestname}} cloudpods tenant=" + tenant + " pod=" + pod + " backup=" + backup;
    if (userNotes == null || userNotes.isBlank()) {
      return base;
    }
    // one line, no escapes: the template language only knows \n and \\
    String clean = userNotes.replace('\\', '/').replaceAll("[\\r\\n]+", " ").strip();
    return base + " " + clean.replace("{{", "{ {");
  }

  /** The backup name an archive's notes name, if they are ours. */
  public static Optional<String> backupOf(String notes) {
    if (notes == null || !notes.contains("cloudpods ")) {
      return Optional.empty();
    }
    Matcher m = BACKUP.matcher(notes);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
