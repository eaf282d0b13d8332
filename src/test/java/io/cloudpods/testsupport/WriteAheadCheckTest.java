package io.cloudpods.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.sim.Mutation;
import io.cloudpods.testsupport.WriteAheadCheck.LoggedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteAheadCheckTest {

  private static final Duration SLACK = Duration.ofMillis(5);

  private static Mutation m(long t, int vmid, String type) {
    return new Mutation(t, "pve", vmid, type, null, "cloudpods@pve!controller", null);
  }

  private static LoggedEvent e(long t, String reason, int vmid) {
    return new LoggedEvent(Instant.ofEpochMilli(t), reason, vmid);
  }

  @Test
  void aSeriesCountsAsOneEventPerOccurrence_itsLastAtItsLastTime() {
    List<Mutation> ms = List.of(m(1000, 9001, "start"), m(2000, 9001, "start"));
    List<LoggedEvent> series =
        WriteAheadCheck.occurrences(
            Instant.ofEpochMilli(900), Instant.ofEpochMilli(1900), 2, "Starting", 9001);

    assertThat(WriteAheadCheck.gaps(ms, series, x -> true, SLACK)).isEmpty();
    assertThat(
            WriteAheadCheck.gaps(
                ms,
                WriteAheadCheck.occurrences(
                    Instant.ofEpochMilli(900), Instant.ofEpochMilli(2900), 2, "Starting", 9001),
                x -> true,
                SLACK))
        .as("the second start came before the series' last occurrence")
        .hasSize(1);
  }

  @Test
  void eventBeforeEachMutation_noGaps() {
    List<Mutation> ms =
        List.of(
            m(1000, 9001, "clone"),
            m(2000, 9001, "config"),
            m(3000, 9001, "start"),
            m(4000, 9001, "start"));
    List<LoggedEvent> es =
        List.of(
            e(990, "Cloning", 9001),
            e(1999, "UpdatingConfig", 9001),
            e(2990, "Starting", 9001),
            e(3500, "Starting", 9001),
            e(3600, "Starting", 9001));
    assertThat(WriteAheadCheck.gaps(ms, es, x -> true, SLACK)).isEmpty();
  }

  @Test
  void eventRecordedOnlyAfterTheMutation_isAGap() {
    List<Mutation> ms = List.of(m(1000, 9001, "clone"));
    assertThat(WriteAheadCheck.gaps(ms, List.of(e(1100, "Cloning", 9001)), x -> true, SLACK))
        .hasSize(1);
    assertThat(WriteAheadCheck.gaps(ms, List.of(e(1004, "Cloning", 9001)), x -> true, SLACK))
        .isEmpty();
  }

  @Test
  void oneEventCannotCoverTwoMutations_norAnotherVmidOrKind() {
    List<Mutation> ms = List.of(m(1000, 9001, "start"), m(2000, 9001, "start"));
    assertThat(WriteAheadCheck.gaps(ms, List.of(e(900, "Starting", 9001)), x -> true, SLACK))
        .singleElement()
        .satisfies(g -> assertThat(g.mutation().timeMillis()).isEqualTo(2000));
    assertThat(
            WriteAheadCheck.gaps(
                List.of(m(1000, 9001, "stop")),
                List.of(e(900, "Starting", 9001), e(900, "Stopping", 9002)),
                x -> true,
                SLACK))
        .hasSize(1);
  }
}
