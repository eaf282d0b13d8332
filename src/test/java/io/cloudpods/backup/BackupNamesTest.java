package io.cloudpods.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class BackupNamesTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void scheduled_usesTheDueTimeInThePolicysZone() {
    assertThat(
            BackupNames.scheduled(
                "web-0", "nightly", Instant.parse("2026-07-10T00:00:00Z"), BERLIN))
        .isEqualTo("web-0-nightly-202607100200");
  }

  @Test
  void scheduled_sameRunTwice_sameName() {
    Instant due = Instant.parse("2026-07-10T00:00:00Z");
    assertThat(BackupNames.scheduled("web-0", "nightly", due, BERLIN))
        .isEqualTo(BackupNames.scheduled("web-0", "nightly", due, BERLIN));
  }

  @Test
  void scheduled_longNames_stayAnRfc1123LabelAndDistinct() {
    String pod = "a-very-long-pod-name-for-a-customer-database-0";
    Instant due = Instant.parse("2026-07-10T00:00:00Z");
    String a = BackupNames.scheduled(pod, "nightly-retention-policy", due, BERLIN);
    String b = BackupNames.scheduled(pod, "nightly-retention-policz", due, BERLIN);
    assertThat(a).hasSizeLessThanOrEqualTo(63).matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    assertThat(a).endsWith("-202607100200").isNotEqualTo(b);
  }

  @Test
  void notes_nameTheBackupAndAreReadBack() {
    String t = BackupNotes.template("acme", "web-0", "web-0-nightly-202607100200", null);
    assertThat(t)
        .isEqualTo(
            "{{guestname}} cloudpods tenant=acme pod=web-0 backup=web-0-nightly-202607100200");
    String stored = t.replace("{{guestname}}", "web-0");
    assertThat(BackupNotes.backupOf(stored)).contains("web-0-nightly-202607100200");
    assertThat(BackupNotes.backupOf("someone else's archive")).isEmpty();
  }

  @Test
  void notes_userTextIsKeptOnOneLineWithoutTemplateSyntax() {
    String t = BackupNotes.template("acme", "web-0", "b1", "before upgrade\nto {{v2}} \\o/");
    assertThat(t)
        .doesNotContain("\n")
        .doesNotContain("\\")
        .endsWith("before upgrade to { {v2}} /o/");
  }

  @Test
  void pruneOptions_retentionBecomesProxmoxsPropertyString() {
    assertThat(PruneOptions.of(7, null, 7, 4, 0, null))
        .isEqualTo("keep-last=7,keep-daily=7,keep-weekly=4");
    assertThat(PruneOptions.of(null, null, null, null, null, null)).isEqualTo("keep-all=1");
  }

  @Test
  void pruneOptions_negativeCount_namesTheField() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PruneOptions.of(-1, null, null, null, null, null))
        .hasMessageStartingWith("spec.retention.keepLast:");
  }

  @Test
  void pruneOptions_nonScheduledBackupNeverPrunes() {
    assertThat(PruneOptions.forVzdump(java.util.Optional.empty()))
        .containsExactlyEntriesOf(java.util.Map.of("remove", "0"));
    assertThat(PruneOptions.forVzdump(java.util.Optional.of("keep-last=3")))
        .containsEntry("prune-backups", "keep-last=3")
        .containsEntry("remove", "1");
  }
}
