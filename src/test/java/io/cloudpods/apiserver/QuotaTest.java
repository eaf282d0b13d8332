package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.podSet;
import static io.cloudpods.testsupport.TestApi.pods;
import static io.cloudpods.testsupport.TestApi.tenant;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.totalRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.cloudpods.testsupport.PostgresResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class QuotaTest {

  @Test
  void apply_beyondMaxPods_answers403NamingTheQuotaAndStoresNothing() {
    String[] tp = tenantWithPool(Map.of("maxPods", 1));
    applyAsAdmin(pod(tp[0], "one", Map.of("ipPool", tp[1])));
    long before = totalRows();
    admin()
        .body(List.of(pod(tp[0], "two", Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("reason", equalTo("QuotaExceeded"))
        .body("details.field", hasItem("items[0].quota.maxPods"));
    assertThat(totalRows()).isEqualTo(before);
  }

  @Test
  void apply_beyondCoresMemoryOrDisk_namesEachQuota() {
    String[] tp = tenantWithPool(Map.of("maxCores", 4, "maxMemoryMb", 4096, "maxDiskGb", 16));
    admin()
        .body(
            List.of(
                pod(
                    tp[0],
                    "big",
                    Map.of("ipPool", tp[1], "cores", 5, "memoryMb", 8192, "diskGb", 20))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body(
            "details.field",
            org.hamcrest.Matchers.hasItems(
                "items[0].quota.maxCores",
                "items[0].quota.maxMemoryMb",
                "items[0].quota.maxDiskGb"));
    assertThat(pods(tp[0])).isZero();
  }

  @Test
  void podSetReplicas_countTowardsQuota() {
    String[] tp = tenantWithPool(Map.of("maxPods", 3, "maxCores", 100));
    applyAsAdmin(pod(tp[0], "single", Map.of("ipPool", tp[1])));
    admin()
        .body(List.of(podSet(tp[0], "set", 3, Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("details[0].field", equalTo("items[0].quota.maxPods"));
    admin()
        .body(List.of(podSet(tp[0], "set", 2, Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    // scaling up past the quota is refused, scaling down is fine
    admin()
        .body(List.of(podSet(tp[0], "set", 3, Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403);
    admin()
        .body(List.of(podSet(tp[0], "set", 1, Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    admin().get("/api/v1/tenants/" + tp[0]).then().body("status.usage.pods", equalTo(2));
  }

  @Test
  void resizingWithinQuota_isAllowedAndCountsOnce() {
    String[] tp = tenantWithPool(Map.of("maxCores", 4));
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1], "cores", 4)));
    // the pod's own old size is not counted against its new size
    admin()
        .body(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "cores", 3))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    admin()
        .body(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "cores", 4))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
  }

  @Test
  void loweredQuota_stillAllowsChangesThatDoNotGrowUsage() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "a", Map.of("ipPool", tp[1])), pod(tp[0], "b", Map.of("ipPool", tp[1])));
    applyAsAdmin(tenant(tp[0], Map.of("maxPods", 1), List.of(tp[1])));
    admin()
        .body(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "powerState", "Stopped"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    admin()
        .body(List.of(pod(tp[0], "c", Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403);
  }

  @Test
  void concurrentApplies_cannotTogetherExceedTheQuota() throws Exception {
    int limit = 3;
    int threads = 10;
    String[] tp = tenantWithPool(Map.of("maxPods", limit));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        String name = "racer-" + i;
        Callable<Integer> apply =
            () -> {
              start.await();
              return TestApi.admin()
                  .body(List.of(pod(tp[0], name, Map.of("ipPool", tp[1]))))
                  .post("/api/v1/apply")
                  .then()
                  .extract()
                  .statusCode();
            };
        results.add(pool.submit(apply));
      }
      start.countDown();
      int ok = 0;
      int refused = 0;
      for (Future<Integer> f : results) {
        int status = f.get();
        if (status == 200) {
          ok++;
        } else if (status == 403) {
          refused++;
        }
      }
      assertThat(ok).isEqualTo(limit);
      assertThat(refused).isEqualTo(threads - limit);
      assertThat(pods(tp[0])).isEqualTo(limit);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentApplies_ofTheSameIp_onlyOneWins() throws Exception {
    String[] tp = tenantWithPool(null);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        String name = "ip-racer-" + i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return TestApi.admin()
                      .body(List.of(pod(tp[0], name, Map.of("ipPool", tp[1], "ip", "10.1.10.200"))))
                      .post("/api/v1/apply")
                      .then()
                      .extract()
                      .statusCode();
                }));
      }
      start.countDown();
      long ok = 0;
      for (Future<Integer> f : results) {
        if (f.get() == 200) {
          ok++;
        }
      }
      assertThat(ok).isEqualTo(1);
      assertThat(pods(tp[0])).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentBatchesTouchingTwoTenantsInOppositeOrder_bothSucceed() throws Exception {
    String[] a = tenantWithPool(Map.of("maxPods", 100));
    String[] b = tenantWithPool(Map.of("maxPods", 100));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        String r = Integer.toString(round);
        CountDownLatch start = new CountDownLatch(1);
        Future<Integer> one =
            pool.submit(
                () -> {
                  start.await();
                  return TestApi.admin()
                      .body(
                          List.of(
                              podSet(b[0], "s" + r, 1, Map.of("ipPool", b[1])),
                              pod(a[0], "p" + r, Map.of("ipPool", a[1]))))
                      .post("/api/v1/apply")
                      .then()
                      .extract()
                      .statusCode();
                });
        Future<Integer> two =
            pool.submit(
                () -> {
                  start.await();
                  return TestApi.admin()
                      .body(
                          List.of(
                              podSet(a[0], "s" + r, 1, Map.of("ipPool", a[1])),
                              pod(b[0], "p" + r, Map.of("ipPool", b[1]))))
                      .post("/api/v1/apply")
                      .then()
                      .extract()
                      .statusCode();
                });
        start.countDown();
        assertThat(List.of(one.get(), two.get())).containsOnly(200);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
