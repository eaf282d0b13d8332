package io.cloudpods.podset;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.OwnerReference;
import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.api.v1alpha1.PodSetConditions;
import io.cloudpods.api.v1alpha1.PodSetSpec;
import io.cloudpods.api.v1alpha1.PodSetStatus;
import io.cloudpods.api.v1alpha1.PodTemplate;
import io.cloudpods.api.v1alpha1.PodTemplateMeta;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.PodSetSource.ResyncRow;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.testsupport.InMemoryOwnedPods;
import io.cloudpods.testsupport.InMemoryPodSets;
import io.cloudpods.testsupport.MutableClock;
import io.cloudpods.testsupport.RecordingEventSink;
import io.cloudpods.testsupport.TestDefaults;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PodSetReconcilerTest {

  private static final String TENANT = "acme";
  private static final ResourceKey WEB = ResourceKey.of(TENANT, "web");
  private static final Duration RECHECK = Duration.ofSeconds(7);
  private static final Map<String, String> LABELS = Map.of("app", "web");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final Defaults defaults = TestDefaults.defaults();
  private final InMemoryOwnedPods pods = new InMemoryOwnedPods(defaults, clock);
  private final InMemoryPodSets sets = new InMemoryPodSets(defaults, pods, clock);
  private final RecordingEventSink events = new RecordingEventSink();
  private final PodSetReconciler reconciler =
      new PodSetReconciler(sets, sets, pods, events, RECHECK, clock);

  // ---- scaling ------------------------------------------------------------------------------

  @Test
  void reconcile_scaleUp_createsOrdinalsOwnedByTheSetWithTheTemplatesSpec() {
    applyWeb(3, 4);

    ReconcileResult result = reconciler.reconcile(WEB);

    assertThat(result).isEqualTo(ReconcileResult.done());
    assertThat(podNames()).containsExactly("web-0", "web-1", "web-2");
    OwnerReference owner = new OwnerReference("PodSet", "web", webUid().toString());
    CloudPodSpec expected = defaults.pod(template(4)).withIpAndVmid(null, null);
    for (CloudPod pod : pods.listOwned(webUid())) {
      assertThat(pod.metadata().ownerReference()).isEqualTo(owner);
      assertThat(pod.metadata().labels()).isEqualTo(LABELS);
      assertThat(pod.metadata().generation()).isEqualTo(1);
      assertThat(pod.spec()).isEqualTo(expected);
    }
    assertThat(events.reasons()).containsExactly("Scaled");
    assertThat(events.events().get(0).message())
        .isEqualTo("replicas 3: 3 created, 0 updated, 0 removed");
    assertThat(events.events().get(0))
        .extracting(Event::kind, Event::tenant, Event::name)
        .containsExactly("PodSet", TENANT, "web");
  }

  @Test
  void reconcile_scaleUp_addsOnlyTheNewOrdinals() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    UUID firstPod = podUid("web-0");
    events.clear();

    applyWeb(4, 2);
    reconciler.reconcile(WEB);

    assertThat(podNames()).containsExactly("web-0", "web-1", "web-2", "web-3");
    assertThat(podUid("web-0")).isEqualTo(firstPod);
    assertThat(pods.get(pod("web-0")).orElseThrow().metadata().generation()).isEqualTo(1);
    assertThat(events.events())
        .singleElement()
        .extracting(Event::message)
        .isEqualTo("replicas 4: 2 created, 0 updated, 0 removed");
  }

  @Test
  void reconcile_scaleDown_marksHighestOrdinalsForDeletion() {
    applyWeb(5, 2);
    reconciler.reconcile(WEB);
    pods.clearCalls();
    events.clear();

    applyWeb(2, 2);
    reconciler.reconcile(WEB);

    assertThat(pods.deletionMarks()).containsExactly(pod("web-4"), pod("web-3"), pod("web-2"));
    assertThat(deleting("web-0")).isFalse();
    assertThat(deleting("web-1")).isFalse();
    assertThat(deleting("web-2")).isTrue();
    assertThat(events.events())
        .singleElement()
        .extracting(Event::message)
        .isEqualTo("replicas 2: 0 created, 0 updated, 3 removed");
    PodSetStatus status = webStatus();
    assertThat(status.replicas()).isEqualTo(2);
    assertThat(readyCondition().message()).isEqualTo("0/2 pods ready, 3 being removed");
  }

  @Test
  void reconcile_surplusAlreadyMarked_isNotMarkedAgain() {
    applyWeb(3, 2);
    reconciler.reconcile(WEB);
    applyWeb(1, 2);
    reconciler.reconcile(WEB);
    pods.clearCalls();
    events.clear();

    reconciler.reconcile(WEB);

    assertThat(pods.deletionMarks()).isEmpty();
    assertThat(events.events()).isEmpty();
  }

  @Test
  void reconcile_surplusGone_stopsReportingItAsBeingRemoved() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    applyWeb(1, 2);
    reconciler.reconcile(WEB);

    pods.finalizeDeletion(pod("web-1"));
    reconciler.reconcile(WEB);

    assertThat(podNames()).containsExactly("web-0");
    assertThat(readyCondition().message()).isEqualTo("0/1 pods ready");
  }

  // ---- template changes ---------------------------------------------------------------------

  @Test
  void reconcile_generationUnchanged_writesNoPodSpecs() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    pods.clearCalls();
    events.clear();

    applyWeb(2, 2); // the same manifest again: generation stays
    assertThat(sets.get(WEB).orElseThrow().metadata().generation()).isEqualTo(1);
    reconciler.reconcile(WEB);

    assertThat(pods.upserts()).isEmpty();
    assertThat(events.events()).isEmpty();
  }

  @Test
  void reconcile_labelsOnlyChangeOfTheSet_writesNoPodSpecs() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    pods.clearCalls();

    PodSet relabelled = webSet(2, 2);
    sets.put(
        PodSet.of(relabelled.metadata().withLabels(Map.of("team", "a")), relabelled.spec()), null);
    assertThat(sets.get(WEB).orElseThrow().metadata().generation()).isEqualTo(1);
    reconciler.reconcile(WEB);

    assertThat(pods.upserts()).isEmpty();
  }

  @Test
  void reconcile_templateChanged_rewritesEveryPodsSpec() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    pods.clearCalls();
    events.clear();

    applyWeb(2, 6);
    assertThat(sets.get(WEB).orElseThrow().metadata().generation()).isEqualTo(2);
    reconciler.reconcile(WEB);

    assertThat(pods.upserts()).containsExactly(pod("web-0"), pod("web-1"));
    for (CloudPod p : pods.listOwned(webUid())) {
      assertThat(p.spec().cores()).isEqualTo(6);
      assertThat(p.metadata().generation()).isEqualTo(2);
    }
    assertThat(events.events())
        .singleElement()
        .extracting(Event::message)
        .isEqualTo("replicas 2: 0 created, 2 updated, 0 removed");
    assertThat(webStatus().observedGeneration()).isEqualTo(2);
  }

  @Test
  void reconcile_podSpecEditedDirectly_isWrittenBackToTheTemplate() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    CloudPod edited = pods.get(pod("web-1")).orElseThrow();
    pods.put(
        new CloudPod(
            edited.apiVersion(),
            edited.kind(),
            edited.metadata(),
            edited.spec().withIpAndVmid(null, 9500),
            null),
        null);
    assertThat(pods.get(pod("web-1")).orElseThrow().metadata().generation()).isEqualTo(2);
    events.clear();

    reconciler.reconcile(WEB);

    CloudPod back = pods.get(pod("web-1")).orElseThrow();
    assertThat(back.spec().vmid()).isNull();
    assertThat(back.metadata().generation()).isEqualTo(3);
    assertThat(events.events())
        .singleElement()
        .extracting(Event::message)
        .isEqualTo("replicas 2: 0 created, 1 updated, 0 removed");
  }

  // ---- missing pods -------------------------------------------------------------------------

  @Test
  void reconcile_missingPod_isRecreated() {
    applyWeb(3, 2);
    reconciler.reconcile(WEB);
    UUID before = podUid("web-1");
    pods.markDeleted(pod("web-1"));
    pods.finalizeDeletion(pod("web-1"));
    events.clear();

    reconciler.reconcile(WEB);

    assertThat(podNames()).containsExactly("web-0", "web-1", "web-2");
    assertThat(podUid("web-1")).isNotEqualTo(before);
    assertThat(events.events())
        .singleElement()
        .extracting(Event::message)
        .isEqualTo("replicas 3: 1 created, 0 updated, 0 removed");
  }

  @Test
  void reconcile_podBeingDeleted_isRecreatedOnlyOnceItIsGone() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    pods.markDeleted(pod("web-1"));
    pods.clearCalls();

    reconciler.reconcile(WEB);

    assertThat(pods.upserts()).containsExactly(pod("web-0"));
    assertThat(deleting("web-1")).isTrue();
    assertThat(webStatus().replicas()).isEqualTo(1);

    pods.finalizeDeletion(pod("web-1"));
    reconciler.reconcile(WEB);

    assertThat(deleting("web-1")).isFalse();
    assertThat(webStatus().replicas()).isEqualTo(2);
  }

  // ---- status -------------------------------------------------------------------------------

  @Test
  void reconcile_readyReplicasAndReadyCondition_followThePods() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    assertThat(webStatus())
        .extracting(PodSetStatus::replicas, PodSetStatus::readyReplicas)
        .containsExactly(2, 0);
    assertThat(readyCondition())
        .extracting(Condition::status, Condition::reason, Condition::message)
        .containsExactly(Conditions.FALSE, "Scaling", "0/2 pods ready");

    podReady("web-0");
    reconciler.reconcile(WEB);
    assertThat(webStatus().readyReplicas()).isEqualTo(1);
    assertThat(readyCondition().message()).isEqualTo("1/2 pods ready");

    podReady("web-1");
    clock.advance(Duration.ofSeconds(30));
    reconciler.reconcile(WEB);
    assertThat(webStatus())
        .extracting(
            PodSetStatus::replicas, PodSetStatus::readyReplicas, PodSetStatus::observedGeneration)
        .containsExactly(2, 2, 1L);
    assertThat(readyCondition())
        .extracting(
            Condition::status, Condition::reason, Condition::message, Condition::observedGeneration)
        .containsExactly(Conditions.TRUE, CloudPodConditions.CONVERGED, "", 1L);
    assertThat(readyCondition().lastTransitionTime()).isEqualTo(clock.instant());
  }

  @Test
  void reconcile_podReadyOnlyAtAnOlderGeneration_isNotCountedReady() {
    applyWeb(1, 2);
    reconciler.reconcile(WEB);
    podReady("web-0");
    reconciler.reconcile(WEB);
    assertThat(webStatus().readyReplicas()).isEqualTo(1);

    applyWeb(1, 4); // the pod's generation rises; its status still speaks of the old one
    reconciler.reconcile(WEB);

    assertThat(webStatus().readyReplicas()).isEqualTo(0);
    assertThat(readyCondition().status()).isEqualTo(Conditions.FALSE);
  }

  @Test
  void reconcile_nothingChanged_writesNoStatus() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    assertThat(sets.statusWrites()).hasSize(1);
    String version = sets.get(WEB).orElseThrow().metadata().resourceVersion();

    clock.advance(Duration.ofMinutes(5));
    reconciler.reconcile(WEB);
    assertThat(sets.statusWrites()).hasSize(1);
    assertThat(sets.get(WEB).orElseThrow().metadata().resourceVersion()).isEqualTo(version);

    podReady("web-0");
    reconciler.reconcile(WEB);
    assertThat(sets.statusWrites()).hasSize(2);
  }

  @Test
  void reconcile_readyConditionKept_keepsItsTransitionTime() {
    applyWeb(1, 2);
    Instant first = clock.instant();
    reconciler.reconcile(WEB);
    clock.advance(Duration.ofMinutes(1));
    applyWeb(3, 2); // still not ready, other message

    reconciler.reconcile(WEB);

    assertThat(readyCondition().message()).isEqualTo("0/3 pods ready");
    assertThat(readyCondition().lastTransitionTime()).isEqualTo(first);
  }

  // ---- deletion -----------------------------------------------------------------------------

  @Test
  void reconcile_deletedSet_marksAllPodsAndGoesWithTheLastPod() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    sets.markDeletedBySql(WEB); // its pods are left to the controller
    pods.clearCalls();
    events.clear();

    ReconcileResult result = reconciler.reconcile(WEB);

    assertThat(result).isEqualTo(ReconcileResult.requeueAfter(RECHECK));
    assertThat(pods.deletionMarks()).containsExactly(pod("web-0"), pod("web-1"));
    assertThat(sets.get(WEB)).isPresent();
    assertThat(webStatus())
        .extracting(PodSetStatus::replicas, PodSetStatus::readyReplicas)
        .containsExactly(0, 0);
    assertThat(readyCondition())
        .extracting(Condition::status, Condition::reason, Condition::message)
        .containsExactly(Conditions.FALSE, "Deleting", "2 pod(s) still being removed");
    assertThat(events.events()).isEmpty();

    pods.finalizeDeletion(pod("web-0"));
    assertThat(reconciler.reconcile(WEB)).isEqualTo(ReconcileResult.requeueAfter(RECHECK));
    assertThat(readyCondition().message()).isEqualTo("1 pod(s) still being removed");
    assertThat(sets.get(WEB)).isPresent();

    pods.finalizeDeletion(pod("web-1"));
    result = reconciler.reconcile(WEB);

    assertThat(result).isEqualTo(ReconcileResult.done());
    assertThat(sets.get(WEB)).isEmpty();
    assertThat(events.reasons()).containsExactly("Deleted");
    assertThat(events.events().get(0).message()).isEqualTo("PodSet deleted with all its pods");
  }

  @Test
  void reconcile_setDeletedThroughTheApi_doesNotMarkItsAlreadyMarkedPodsAgain() {
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    sets.markDeleted(WEB);
    pods.clearCalls();

    reconciler.reconcile(WEB);

    assertThat(pods.deletionMarks()).isEmpty();
    assertThat(deleting("web-0")).isTrue();
    assertThat(deleting("web-1")).isTrue();
  }

  @Test
  void reconcile_setGone_isDoneWithoutWrites() {
    assertThat(reconciler.reconcile(WEB)).isEqualTo(ReconcileResult.done());
    assertThat(pods.upserts()).isEmpty();
    assertThat(events.events()).isEmpty();
  }

  // ---- resync -------------------------------------------------------------------------------

  @Test
  void needsPass_settledSet_isSkipped() {
    applyWeb(2, 2);
    assertThat(reconciler.needsPass(resyncRow())).as("never reconciled").isTrue();
    reconciler.reconcile(WEB);
    assertThat(reconciler.needsPass(resyncRow())).as("pods not ready").isTrue();

    podReady("web-0");
    podReady("web-1");
    reconciler.reconcile(WEB);

    ResyncRow row = resyncRow();
    assertThat(reconciler.needsPass(row)).isFalse();
    assertThat(reconciler.needsPass(new ResyncRow(WEB, row.generation() + 1, false)))
        .as("spec changed")
        .isTrue();
    assertThat(reconciler.needsPass(new ResyncRow(WEB, row.generation(), true)))
        .as("being deleted")
        .isTrue();
  }

  @Test
  void invalidate_settledSet_makesItRunAgain() {
    applyWeb(1, 2);
    reconciler.reconcile(WEB);
    podReady("web-0");
    reconciler.reconcile(WEB);
    assertThat(reconciler.needsPass(resyncRow())).isFalse();

    reconciler.invalidate(WEB);

    assertThat(reconciler.needsPass(resyncRow())).isTrue();
  }

  @Test
  void reconcile_settledSetWhosePodIsNoLongerReady_isNotSettledAnyMore() {
    applyWeb(1, 2);
    reconciler.reconcile(WEB);
    podReady("web-0");
    reconciler.reconcile(WEB);
    assertThat(reconciler.needsPass(resyncRow())).isFalse();

    podNotReady("web-0");
    reconciler.reconcile(WEB);

    assertThat(reconciler.needsPass(resyncRow())).isTrue();
    assertThat(webStatus().readyReplicas()).isEqualTo(0);
  }

  // ---- a pod of the same name that the set does not own ---------------------------------------

  @Test
  void reconcile_podOfTheSameNameNotOwnedBySet_isAConditionAndAnEvent_andTheOthersAreCreated() {
    CloudPodSpec standalone = defaults.pod(template(1));
    pods.put(CloudPod.of(ObjectMeta.named(TENANT, "web-1"), standalone), null);
    applyWeb(3, 2);

    ReconcileResult result = reconciler.reconcile(WEB);

    assertThat(result).isEqualTo(ReconcileResult.done());
    assertThat(podNames()).containsExactly("web-0", "web-2");
    assertForeignPodUntouched(standalone);
    assertThat(webStatus())
        .extracting(PodSetStatus::replicas, PodSetStatus::readyReplicas)
        .containsExactly(2, 0);
    assertThat(readyCondition())
        .extracting(Condition::status, Condition::reason, Condition::message)
        .containsExactly(
            Conditions.FALSE,
            PodSetConditions.POD_NAME_CONFLICT,
            "pod web-1 exists and is not owned by this PodSet; 0/3 pods ready");
    assertThat(events.reasons()).containsExactly("Scaled", PodSetConditions.POD_NAME_CONFLICT);
    Event conflict = events.events().get(1);
    assertThat(conflict)
        .extracting(Event::level, Event::kind, Event::tenant, Event::name)
        .containsExactly(Event.WARN, "PodSet", TENANT, "web");
    assertThat(conflict.message())
        .startsWith("pod web-1 exists and is not owned by this PodSet: left alone");
    assertThat(events.events().get(0).message())
        .isEqualTo("replicas 3: 2 created, 0 updated, 0 removed");
  }

  @Test
  void reconcile_nameConflictOnLaterPasses_isReportedOnceAndTheStatusFollowsTheOwnedPods() {
    CloudPodSpec standalone = defaults.pod(template(1));
    pods.put(CloudPod.of(ObjectMeta.named(TENANT, "web-1"), standalone), null);
    applyWeb(3, 2);
    reconciler.reconcile(WEB);
    events.clear();

    podReady("web-0");
    podReady("web-2");
    reconciler.reconcile(WEB);

    assertThat(events.events()).as("no second conflict event").isEmpty();
    assertThat(webStatus().readyReplicas()).isEqualTo(2);
    assertThat(readyCondition())
        .extracting(Condition::status, Condition::reason, Condition::message)
        .containsExactly(
            Conditions.FALSE,
            PodSetConditions.POD_NAME_CONFLICT,
            "pod web-1 exists and is not owned by this PodSet; 2/3 pods ready");
    assertThat(reconciler.needsPass(resyncRow())).as("not settled: retried").isTrue();
    assertForeignPodUntouched(standalone);
  }

  @Test
  void reconcile_foreignPodGone_createsTheOrdinalAndConverges() {
    CloudPodSpec standalone = defaults.pod(template(1));
    pods.put(CloudPod.of(ObjectMeta.named(TENANT, "web-1"), standalone), null);
    applyWeb(2, 2);
    reconciler.reconcile(WEB);
    pods.markDeleted(pod("web-1"));
    pods.finalizeDeletion(pod("web-1"));
    events.clear();

    reconciler.reconcile(WEB);

    assertThat(podNames()).containsExactly("web-0", "web-1");
    assertThat(events.events())
        .singleElement()
        .extracting(Event::message)
        .isEqualTo("replicas 2: 1 created, 0 updated, 0 removed");
    assertThat(readyCondition().reason()).isEqualTo(PodSetConditions.SCALING);
    podReady("web-0");
    podReady("web-1");
    reconciler.reconcile(WEB);
    assertThat(readyCondition().reason()).isEqualTo(CloudPodConditions.CONVERGED);
  }

  @Test
  void reconcile_scaledBelowTheForeignPodsOrdinal_convergesAndNeverMarksIt() {
    CloudPodSpec standalone = defaults.pod(template(1));
    pods.put(CloudPod.of(ObjectMeta.named(TENANT, "web-1"), standalone), null);
    applyWeb(3, 2);
    reconciler.reconcile(WEB);

    applyWeb(1, 2);
    assertThat(reconciler.reconcile(WEB)).isEqualTo(ReconcileResult.done());
    podReady("web-0");
    reconciler.reconcile(WEB);

    assertThat(pods.deletionMarks()).containsExactly(pod("web-2"));
    assertThat(deleting("web-1")).isFalse();
    assertForeignPodUntouched(standalone);
    pods.finalizeDeletion(pod("web-2"));
    reconciler.reconcile(WEB);
    assertThat(webStatus().replicas()).isEqualTo(1);
    assertThat(readyCondition().reason()).isEqualTo(CloudPodConditions.CONVERGED);
  }

  private void assertForeignPodUntouched(CloudPodSpec standalone) {
    CloudPod foreign = pods.get(pod("web-1")).orElseThrow();
    assertThat(foreign.metadata().ownerReference()).isNull();
    assertThat(foreign.spec()).isEqualTo(standalone);
    assertThat(foreign.metadata().generation()).isEqualTo(1);
    assertThat(foreign.metadata().deletionTimestamp()).isNull();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static CloudPodSpec template(int cores) {
    return new CloudPodSpec(
        cores, 1024, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static PodSet webSet(int replicas, int cores) {
    return PodSet.of(
        ObjectMeta.named(TENANT, "web"),
        new PodSetSpec(replicas, new PodTemplate(new PodTemplateMeta(LABELS), template(cores))));
  }

  private void applyWeb(int replicas, int cores) {
    sets.put(webSet(replicas, cores), null);
  }

  private static ResourceKey pod(String name) {
    return ResourceKey.of(TENANT, name);
  }

  private UUID webUid() {
    return UUID.fromString(sets.get(WEB).orElseThrow().metadata().uid());
  }

  private UUID podUid(String name) {
    return UUID.fromString(pods.get(pod(name)).orElseThrow().metadata().uid());
  }

  private List<String> podNames() {
    return pods.listOwned(webUid()).stream().map(p -> p.metadata().name()).toList();
  }

  private boolean deleting(String name) {
    return pods.get(pod(name)).orElseThrow().metadata().deletionTimestamp() != null;
  }

  private PodSetStatus webStatus() {
    return sets.get(WEB).orElseThrow().status();
  }

  private Condition readyCondition() {
    return Conditions.find(webStatus().conditions(), CloudPodConditions.READY).orElseThrow();
  }

  private ResyncRow resyncRow() {
    return sets.resyncRows().stream().filter(r -> r.key().equals(WEB)).findFirst().orElseThrow();
  }

  /** What the pod's own reconcile writes once its container matches its spec. */
  private void podReady(String name) {
    writePodReady(name, Conditions.TRUE, CloudPodConditions.CONVERGED);
  }

  private void podNotReady(String name) {
    writePodReady(name, Conditions.FALSE, CloudPodConditions.STOPPING);
  }

  private void writePodReady(String name, String status, String reason) {
    long generation = pods.get(pod(name)).orElseThrow().metadata().generation();
    Condition ready =
        new Condition(CloudPodConditions.READY, status, reason, "", clock.instant(), generation);
    pods.updateStatus(
        pod(name),
        new CloudPodStatus(
            CloudPodConditions.PHASE_RUNNING,
            null,
            null,
            null,
            generation,
            List.of(ready),
            null,
            null,
            null,
            null));
  }
}
