package io.cloudpods.dashboard;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.auth.SessionCookie;
import io.cloudpods.e2e.ControllerProfile;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (headless Chromium from Debian's packages) against the server
 * with its controller running on the simulator: sign-in, the tenant filter, a pod's page, a change
 * made through the REST API showing in the open page without a reload, a tenant's session never
 * showing another tenant's pods (list, pod page, event stream), a phone-width layout, sign-out. The
 * browser talks to 127.0.0.1 only. Screenshots go to target/screenshots (docs/DASHBOARD.md).
 */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class DashboardBrowserTest {

  /**
   * The goal for a REST change to show in an open page is 2 s; the test prints the figure against
   * it and waits longer before it calls the page broken, so that a loaded machine measures slow
   * rather than fails (performance is measured, not asserted).
   */
  static final Duration LIVE_GOAL = Duration.ofSeconds(2);

  static final Duration LIVE_BOUND = Duration.ofSeconds(15);

  static ChromeDriver browser;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  String a;
  String b;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void twoTenantsWithPods() {
    a = unique("shop");
    b = unique("bank");
    // the shared pool exactly as the other tests on this app apply it, so that re-applying it
    // from them is a no-op
    TestApi.applyAsAdmin(TestApi.pool("default"));
    TestApi.applyAsAdmin(
        TestApi.tenant(
            a, Map.of("maxPods", 10, "maxCores", 16, "maxMemoryMb", 32768, "maxDiskGb", 200)),
        TestApi.tenant(b, Map.of("maxPods", 4, "maxCores", 8)),
        TestApi.pod(a, "web-1", Map.of("cores", 2)),
        TestApi.pod(a, "web-2", Map.of("cores", 1, "memoryMb", 1024)),
        TestApi.pod(b, "vault-1", Map.of("cores", 1)));
    browser.manage().deleteAllCookies();
    Chromium.desktop(browser);
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Waits until {@code holds} is true of the page, reading again when a live update swapped it. */
  void onThePage(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> holds) {
    try {
      waiting(Duration.ofSeconds(30))
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .ignoring(org.openqa.selenium.NoSuchElementException.class)
          .until(holds::apply);
    } catch (org.openqa.selenium.TimeoutException e) {
      String shown;
      try {
        shown = browser.findElement(By.tagName("main")).getText();
      } catch (RuntimeException unreadable) {
        shown = "(unreadable: " + unreadable.getMessage() + ")";
      }
      throw new AssertionError(
          "the page at "
              + browser.getCurrentUrl()
              + " never showed what was awaited; it shows:\n"
              + shown,
          e);
    }
  }

  WebDriverWait waiting(Duration d) {
    WebDriverWait w = new WebDriverWait(browser, d);
    w.pollingEvery(Duration.ofMillis(50));
    return w;
  }

  void signIn(String token) {
    browser.get(url("/"));
    assertThat(browser.getCurrentUrl()).endsWith("/signin");
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.id("signin")).click();
  }

  void signInAsAdmin() {
    signIn(TestApi.ADMIN);
    waiting(Duration.ofSeconds(10)).until(d -> d.findElements(By.id("actor")).size() == 1);
  }

  /** Waits until the page's event stream is open: changes from now on reach it. */
  void awaitLive() {
    try {
      waiting(Duration.ofSeconds(15))
          .until(d -> "open".equals(d.findElement(By.tagName("body")).getAttribute("data-live")));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("the page's event stream did not open: " + streamAnswer(), e);
    }
  }

  /** What the server answers this session's event stream request (status and start of body). */
  Object streamAnswer() {
    return asyncJs(
        "const done = arguments[arguments.length - 1];"
            + "const c = new AbortController();"
            + "fetch('/api/v1/events?watch=true', {signal: c.signal})"
            + ".then(r => r.status === 200 ? (c.abort(), done('200')) : r.text().then(t => done(r.status + ' ' + t)))"
            + ".catch(e => done('error ' + e));");
  }

  List<String> rowTenants() {
    return browser.findElements(By.cssSelector("#pods tr.pod")).stream()
        .map(r -> r.getAttribute("data-tenant"))
        .toList();
  }

  Object js(String script, Object... args) {
    return browser.executeScript(script, args);
  }

  Object asyncJs(String script, Object... args) {
    return browser.executeAsyncScript(script, args);
  }

  @Test
  void signIn_badToken_showsMessageAndStaysOnSignIn() {
    signIn("certainly-not-a-token");
    // the click submits a form: the answer is a new page, which may not have arrived yet
    onThePage(d -> DashboardRoutes.BAD_TOKEN.equals(d.findElement(By.id("message")).getText()));
    assertThat(browser.findElement(By.id("message")).getText())
        .isEqualTo(DashboardRoutes.BAD_TOKEN);
    assertThat(browser.manage().getCookieNamed(SessionCookie.NAME)).isNull();
    browser.get(url("/pods"));
    assertThat(browser.getCurrentUrl()).endsWith("/signin");
  }

  @Test
  void signIn_adminToken_showsOverviewWithClusterActorAndRole_cookieHiddenFromScripts() {
    signInAsAdmin();
    assertThat(browser.getCurrentUrl()).isEqualTo(url("/"));
    assertThat(browser.findElement(By.id("actor")).getText()).isEqualTo("bootstrap-admin");
    assertThat(browser.findElement(By.id("role")).getText()).isEqualTo("admin");
    WebElement cluster = browser.findElement(By.cssSelector("#clusters tr[data-cluster=default]"));
    assertThat(cluster.getText()).contains("127.0.0.1");
    Cookie c = browser.manage().getCookieNamed(SessionCookie.NAME);
    assertThat(c.isHttpOnly()).isTrue();
    assertThat(c.getSameSite()).isEqualTo("Strict");
    assertThat((String) js("return document.cookie")).doesNotContain(SessionCookie.NAME);
    // the controller reaches the simulator: the row says so once it has looked
    awaitLive();
    waiting(Duration.ofSeconds(60))
        .until(
            d -> {
              d.navigate().refresh();
              return d.findElement(By.cssSelector("#clusters tr[data-cluster=default]"))
                  .getText()
                  .contains("yes");
            });
    Chromium.screenshot(browser, "overview");
  }

  @Test
  void podList_tenantFilter_showsOnlyThatTenant_andTextFilterNarrows() {
    signInAsAdmin();
    browser.get(url("/pods"));
    assertThat(rowTenants()).contains(a, b);
    new Select(browser.findElement(By.id("filter-tenant"))).selectByValue(a);
    browser.findElement(By.id("filter-apply")).click();
    waiting(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("tenant=" + a));
    assertThat(rowTenants()).hasSize(2).containsOnly(a);

    browser.findElement(By.id("filter-text")).sendKeys("web-2");
    browser.findElement(By.id("filter-apply")).click();
    waiting(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("q=web-2"));
    assertThat(browser.findElements(By.cssSelector("#pods tr.pod")))
        .extracting(r -> r.getAttribute("data-name"))
        .containsExactly("web-2");
    browser.get(url("/pods?tenant=" + a));
    awaitConverged(a, "web-1");
    Chromium.screenshot(browser, "pods");
  }

  /**
   * Waits until the pod is Running and Ready=True, then reloads: the screenshots show a converged
   * fleet.
   */
  void awaitConverged(String tenant, String name) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              var status =
                  admin().get("/api/v1/tenants/" + tenant + "/cloudpods/" + name).jsonPath();
              return "Running".equals(status.getString("status.phase"))
                  && "True"
                      .equals(
                          status.getString("status.conditions.find { it.type == 'Ready' }.status"));
            });
    browser.navigate().refresh();
  }

  @Test
  void podLink_opensPodPage_withSpecConditionsAndEvents() {
    signInAsAdmin();
    awaitConverged(a, "web-1");
    browser.get(url("/pods?tenant=" + a));
    browser.findElement(By.cssSelector("tr[data-name=web-1] a.pod-link")).click();
    waiting(Duration.ofSeconds(10))
        .until(d -> d.getCurrentUrl().equals(url("/pods/" + a + "/web-1")));
    // the page's parts are swapped in place by live updates, so each is read until it holds
    onThePage(d -> d.findElement(By.id("pod-phase")).getText().equals("Running"));
    onThePage(d -> d.findElement(By.id("pod-ready")).getText().equals("True"));
    onThePage(d -> d.findElement(By.id("pod-spec")).getText().contains("\"cores\" : 2"));
    onThePage(
        d ->
            d.findElements(By.cssSelector("#conditions tr.condition")).stream()
                .map(r -> r.getAttribute("data-type"))
                .toList()
                .containsAll(java.util.List.of("Ready", "Provisioned")));
    assertThat(browser.findElements(By.cssSelector("#events li.event"))).isNotEmpty();
    Chromium.screenshot(browser, "pod");
  }

  @Test
  void restChange_showsInOpenPage_withoutReload_andPrintsHowLongItTook() {
    signInAsAdmin();
    browser.get(url("/pods?tenant=" + a));
    awaitLive();
    js("window.__sameDocument = true");
    String name = unique("live");
    long start = System.nanoTime();
    TestApi.applyAsAdmin(TestApi.pod(a, name, Map.of("cores", 1)));
    waiting(LIVE_BOUND)
        .until(d -> !d.findElements(By.cssSelector("tr[data-name='" + name + "']")).isEmpty());
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "dashboard live update: REST write to row shown in %d ms (goal %d ms)%n",
        millis, LIVE_GOAL.toMillis());
    assertThat(js("return window.__sameDocument === true")).isEqualTo(true);

    // and a deletion through the API shows too
    admin().delete("/api/v1/tenants/" + a + "/cloudpods/" + name).then().statusCode(200);
    waiting(LIVE_BOUND)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .until(
            d ->
                d.findElements(By.cssSelector("tr[data-name='" + name + "']")).isEmpty()
                    || d.findElement(By.cssSelector("tr[data-name='" + name + "']"))
                        .getText()
                        .contains("Deleting"));
  }

  static String token(Map<String, Object> body) {
    return admin().body(body).post("/api/v1/tokens").then().statusCode(201).extract().path("token");
  }

  @Test
  void tenantSession_neverShowsAnotherTenantsPods_inList_podPage_orStream() {
    String tenantToken = token(Map.of("name", unique("shopdash"), "role", "tenant", "tenant", a));
    signIn(tenantToken);
    waiting(Duration.ofSeconds(10)).until(d -> d.findElements(By.id("actor")).size() == 1);
    assertThat(browser.findElement(By.id("role")).getText()).isEqualTo("tenant · tenant " + a);

    browser.get(url("/pods"));
    assertThat(rowTenants()).isNotEmpty().containsOnly(a);
    assertThat(new Select(browser.findElement(By.id("filter-tenant"))).getOptions())
        .extracting(WebElement::getText)
        .containsExactly(a);
    browser.get(url("/pods?tenant=" + b));
    assertThat(rowTenants()).containsOnly(a);
    assertThat(browser.getPageSource()).doesNotContain("vault-1");
    browser.get(url("/tenants"));
    assertThat(browser.findElements(By.cssSelector("#tenants .tenant")))
        .extracting(t -> t.getAttribute("data-tenant"))
        .containsExactly(a);

    browser.get(url("/pods/" + b + "/vault-1"));
    assertThat(browser.findElement(By.id("not-found")).getText()).contains("no pod");
    assertThat(browser.getPageSource()).doesNotContain("\"cores\"");
    assertThat(
            asyncJs(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0]).then(r => done(r.status));",
                "/pods/" + b + "/vault-1"))
        .isEqualTo(404L);

    // the event stream this session opens carries only its tenant's events
    browser.get(url("/tenants"));
    assertThat(
            asyncJs(
                "const done = arguments[arguments.length - 1];"
                    + "fetch('/api/v1/events?watch=true&tenant=' + arguments[0]).then(r => done(r.status));",
                b))
        .isEqualTo(403L);
    js(
        "window.__seen = [];"
            + "const s = new EventSource('/api/v1/events?watch=true');"
            + "s.addEventListener('event', e => window.__seen.push(e.data));"
            + "s.onopen = () => window.__open = true;");
    try {
      waiting(Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js("return window.__open")));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("the event stream did not open: " + streamAnswer(), e);
    }
    String secret = unique("vault");
    String sentinel = unique("sentinel");
    TestApi.applyAsAdmin(TestApi.pod(b, secret, Map.of("cores", 1)));
    TestApi.applyAsAdmin(TestApi.pod(a, sentinel, Map.of("cores", 1)));
    waiting(Duration.ofSeconds(10))
        .until(d -> String.valueOf(js("return window.__seen.join('\\n')")).contains(sentinel));
    String seen = String.valueOf(js("return window.__seen.join('\\n')"));
    assertThat(seen).doesNotContain(secret).doesNotContain(b);
  }

  @Test
  void phoneWidth_podListFitsWithoutHorizontalScroll() {
    signInAsAdmin();
    Chromium.phone(browser, 390, 844);
    try {
      browser.get(url("/pods?tenant=" + a));
      assertThat(rowTenants()).isNotEmpty();
      assertThat(((Number) js("return window.innerWidth")).intValue()).isEqualTo(390);
      assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue())
          .isLessThanOrEqualTo(390);
      Chromium.screenshot(browser, "phone-pods");
    } finally {
      Chromium.desktop(browser);
    }
  }

  @Test
  void signOut_endsSession_andPagesAskToSignInAgain() {
    signInAsAdmin();
    browser.findElement(By.id("signout")).click();
    waiting(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("/signin"));
    assertThat(browser.findElement(By.id("message")).getText())
        .isEqualTo(DashboardRoutes.SIGNED_OUT);
    assertThat(browser.manage().getCookieNamed(SessionCookie.NAME)).isNull();
    browser.get(url("/"));
    assertThat(browser.getCurrentUrl()).endsWith("/signin");
  }
}
