package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.PodSetStatus;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.testsupport.PostgresResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The controller writes status while users apply spec changes. An apply without a resourceVersion
 * asks for no optimistic check, so a status write in between must never turn it into a 409.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ApplyWhileControllerWritesStatusTest {

  @Inject PodSetStore sets;

  @Test
  void apply_concurrentStatusWrites_neverConflict() throws Exception {
    String tenant = TestApi.unique("race");
    String pool = TestApi.unique("pool");
    admin()
        .body(List.of(TestApi.tenant(tenant, null, List.of(pool)), TestApi.pool(pool)))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    ResourceKey key = ResourceKey.of(tenant, "web");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger statusWrites = new AtomicInteger();
    Thread controller =
        new Thread(
            () -> {
              int i = 0;
              while (!stop.get()) {
                try {
                  if (sets.updateStatus(key, new PodSetStatus(i, i, 1L, List.of()))) {
                    statusWrites.incrementAndGet();
                  }
                } catch (RuntimeException e) {
                  // the set may not exist yet
                }
                i++;
              }
            });
    controller.start();
    List<Integer> codes = new ArrayList<>();
    try {
      // at least 25 applies, and as many more (up to 500) as it takes to overlap with real status
      // writes
      for (int replicas = 1;
          replicas <= 25 || (statusWrites.get() <= 10 && replicas <= 500);
          replicas++) {
        codes.add(
            admin()
                .body(
                    List.of(
                        TestApi.podSet(
                            tenant,
                            "web",
                            replicas % 3 + 1,
                            Map.of("cores", replicas % 4 + 1, "ipPool", pool))))
                .post("/api/v1/apply")
                .statusCode());
      }
    } finally {
      stop.set(true);
      controller.join(5000);
    }

    assertThat(statusWrites.get()).as("status was really written concurrently").isGreaterThan(10);
    assertThat(codes).containsOnly(200);
  }
}
