package io.cloudpods.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.cloudpod.backup.BackupView;
import io.cloudpods.restore.RestorePlanner.Container;
import io.cloudpods.restore.RestorePlanner.Pod;
import io.cloudpods.restore.RestorePlanner.Step;
import io.cloudpods.restore.RestorePlanner.Task;
import io.cloudpods.restore.RestorePlanner.Wanted;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestorePlannerTest {

  private static final String VOLID = "vzdump-backups:backup/vzdump-lxc-9001-x.tar.zst";

  private static Wanted asNew(String pod) {
    return new Wanted("r1", "web-1-b3", false, pod, null, null, null);
  }

  private static Wanted inPlace(String before, String task) {
    return new Wanted("r1", "web-1-b3", true, "web-1", null, before, task);
  }

  private static Optional<BackupView> backup(String phase) {
    return Optional.of(
        new BackupView(
            "web-1-b3",
            "web-1",
            phase,
            "Completed".equals(phase) ? VOLID : null,
            "pve",
            "vzdump-backups",
            false,
            "Failed".equals(phase) ? "job errors" : "",
            "Missing".equals(phase)));
  }

  private static Optional<BackupView> before(String phase) {
    return Optional.of(
        new BackupView(
            "r1-before",
            "web-1",
            phase,
            null,
            "pve",
            "vzdump-backups",
            false,
            "vzdump: boom",
            false));
  }

  private static Optional<Pod> pod(String restoreFrom, boolean ready, String reason) {
    return Optional.of(
        new Pod(false, restoreFrom, ready, reason, "", 9005, "pve", "clients-main", false));
  }

  private static Optional<Pod> live() {
    return Optional.of(new Pod(false, null, true, null, null, 9001, "pve", "clients-main", false));
  }

  private static Step newPod(Wanted r, Optional<BackupView> b, Optional<Pod> p) {
    return RestorePlanner.plan(r, b, p, Optional.empty(), Container.ABSENT, Optional.empty());
  }

  // ---- as a new pod

  @Test
  void newPod_backupCompletedAndNoPod_createsThePod() {
    assertThat(newPod(asNew("web-1-copy"), backup("Completed"), Optional.empty()))
        .isEqualTo(new RestorePlanner.CreatePod("web-1-copy"));
  }

  @Test
  void newPod_backupNotFinished_waitsWithoutCreating() {
    Step s = newPod(asNew("web-1-copy"), backup("Running"), Optional.empty());

    assertThat(s).isInstanceOf(RestorePlanner.Wait.class);
    assertThat(((RestorePlanner.Wait) s).message()).contains("web-1-b3", "Running");
  }

  @Test
  void newPod_backupAbsentFailedOrMissing_failsNamingWhy() {
    assertThat(newPod(asNew("x"), Optional.empty(), Optional.empty()))
        .isEqualTo(new RestorePlanner.Fail("BackupNotFound", "backup web-1-b3 does not exist"));
    assertThat(
            ((RestorePlanner.Fail) newPod(asNew("x"), backup("Failed"), Optional.empty())).reason())
        .isEqualTo("BackupFailed");
    assertThat(
            ((RestorePlanner.Fail) newPod(asNew("x"), backup("Missing"), Optional.empty()))
                .message())
        .contains("missing from storage vzdump-backups");
  }

  @Test
  void newPod_podCreated_followsItToReady() {
    Step waiting = newPod(asNew("x"), backup("Completed"), pod("web-1-b3", false, "Creating"));
    assertThat(waiting).isInstanceOf(RestorePlanner.Wait.class);
    assertThat(((RestorePlanner.Wait) waiting).message()).contains("Creating");

    assertThat(newPod(asNew("x"), backup("Completed"), pod("web-1-b3", true, null)))
        .isInstanceOf(RestorePlanner.Complete.class);
  }

  @Test
  void newPod_readyEvenAfterTheBackupWasPruned_completes() {
    assertThat(newPod(asNew("x"), Optional.empty(), pod("web-1-b3", true, null)))
        .isInstanceOf(RestorePlanner.Complete.class);
  }

  @Test
  void newPod_aPodOfThatNameNotFromThisBackup_failsAndLeavesIt() {
    Step s = newPod(asNew("web-1"), backup("Completed"), pod(null, true, null));

    assertThat(s).isInstanceOf(RestorePlanner.Fail.class);
    assertThat(((RestorePlanner.Fail) s).reason()).isEqualTo("PodExists");
  }

  // ---- in place

  @Test
  void inPlace_first_asksForTheBeforeRestoreBackup() {
    Step s =
        RestorePlanner.plan(
            inPlace(null, null),
            backup("Completed"),
            live(),
            Optional.empty(),
            Container.RUNNING,
            Optional.empty());

    assertThat(s).isEqualTo(new RestorePlanner.RequestBeforeRestore("r1-before"));
  }

  @Test
  void inPlace_whileTheBeforeRestoreBackupRuns_touchesNothing() {
    Step s =
        RestorePlanner.plan(
            inPlace("r1-before", null),
            backup("Completed"),
            live(),
            before("Running"),
            Container.RUNNING,
            Optional.empty());

    assertThat(s).isInstanceOf(RestorePlanner.Wait.class);
    assertThat(((RestorePlanner.Wait) s).phase()).isEqualTo(RestorePlanner.PHASE_BACKING_UP);
  }

  @Test
  void inPlace_beforeRestoreBackupFailed_failsAndNeverStops() {
    Step s =
        RestorePlanner.plan(
            inPlace("r1-before", null),
            backup("Completed"),
            live(),
            before("Failed"),
            Container.RUNNING,
            Optional.empty());

    assertThat(s).isInstanceOf(RestorePlanner.Fail.class);
    assertThat(((RestorePlanner.Fail) s).message())
        .contains("r1-before", "vzdump: boom", "not touched");
  }

  @Test
  void inPlace_beforeRestoreCompletedAndRunning_stopsFirst() {
    assertThat(
            RestorePlanner.plan(
                inPlace("r1-before", null),
                backup("Completed"),
                live(),
                before("Completed"),
                Container.RUNNING,
                Optional.empty()))
        .isEqualTo(new RestorePlanner.StopContainer("pve", 9001));
  }

  @Test
  void inPlace_stopped_restoresWithForceOnTheSameVmidNodeAndStorage() {
    assertThat(
            RestorePlanner.plan(
                inPlace("r1-before", null),
                backup("Completed"),
                live(),
                before("Completed"),
                Container.STOPPED,
                Optional.empty()))
        .isEqualTo(new RestorePlanner.RestoreInPlace("pve", 9001, VOLID, "clients-main"));
  }

  @Test
  void inPlace_podTaskInFlight_waitsForIt() {
    Optional<Pod> busy =
        Optional.of(new Pod(false, null, false, null, null, 9001, "pve", "clients-main", true));

    assertThat(
            RestorePlanner.plan(
                inPlace("r1-before", null),
                backup("Completed"),
                busy,
                before("Completed"),
                Container.RUNNING,
                Optional.empty()))
        .isInstanceOf(RestorePlanner.Wait.class);
  }

  @Test
  void inPlace_restoreTaskFailed_failsNamingTheKeptBeforeRestoreBackup() {
    Step s =
        RestorePlanner.plan(
            inPlace("r1-before", "UPID:x"),
            backup("Completed"),
            live(),
            before("Completed"),
            Container.ABSENT,
            Optional.of(new Task(false, false, "vzrestore", "unable to restore")));

    assertThat(s).isInstanceOf(RestorePlanner.Fail.class);
    assertThat(((RestorePlanner.Fail) s).reason()).isEqualTo("RestoreFailed");
    assertThat(((RestorePlanner.Fail) s).message())
        .contains("unable to restore", "BeforeRestore backup r1-before is kept");
  }

  @Test
  void inPlace_restoreTaskOk_completes() {
    assertThat(
            RestorePlanner.plan(
                inPlace("r1-before", "UPID:x"),
                backup("Completed"),
                live(),
                before("Completed"),
                Container.STOPPED,
                Optional.of(new Task(false, true, "vzrestore", "OK"))))
        .isInstanceOf(RestorePlanner.Complete.class);
  }

  @Test
  void inPlace_stopTaskOk_isRecordedThenTheNextPassRestores() {
    assertThat(
            RestorePlanner.plan(
                inPlace("r1-before", "UPID:x"),
                backup("Completed"),
                live(),
                before("Completed"),
                Container.STOPPED,
                Optional.of(new Task(false, true, "vzstop", "OK"))))
        .isEqualTo(new RestorePlanner.TaskDone("vzstop"));
  }

  @Test
  void inPlace_noContainer_failsSuggestingANewPod() {
    Step s =
        RestorePlanner.plan(
            inPlace(null, null),
            backup("Completed"),
            live(),
            Optional.empty(),
            Container.ABSENT,
            Optional.empty());

    assertThat(((RestorePlanner.Fail) s).reason()).isEqualTo("NoContainer");
  }

  @Test
  void inPlace_archiveOnAnotherNodesLocalStorage_failsBeforeAnyBackupOrStop() {
    Optional<Pod> elsewhere =
        Optional.of(new Pod(false, null, true, null, null, 9001, "pve-02", "clients-main", false));

    Step s =
        RestorePlanner.plan(
            inPlace(null, null),
            backup("Completed"),
            elsewhere,
            Optional.empty(),
            Container.RUNNING,
            Optional.empty());

    assertThat(((RestorePlanner.Fail) s).reason()).isEqualTo("BackupNotReadable");
  }

  @Test
  void inPlace_containerWithoutThePodsMarker_failsAndTouchesNothing() {
    Step s =
        RestorePlanner.plan(
            inPlace(null, null),
            backup("Completed"),
            live(),
            Optional.empty(),
            Container.FOREIGN,
            Optional.empty());

    assertThat(((RestorePlanner.Fail) s).reason()).isEqualTo("ForeignContainer");
  }

  @Test
  void beforeRestoreName_isALabel() {
    assertThat(RestorePlanner.beforeRestoreName("r1")).isEqualTo("r1-before");
    assertThat(RestorePlanner.beforeRestoreName("a".repeat(63))).hasSize(63).endsWith("-before");
  }
}
