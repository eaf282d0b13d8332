package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProtocolTest {
  static ProxmoxSimulator sim;
  static SimClient c;

  @BeforeAll
  static void start() {
    sim = SimTestSupport.start();
    c = new SimClient(sim);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void success_hasDataEnvelopeJsonContentTypeAndServerHeader() {
    SimClient.Reply r = c.get("/version");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.reason()).isEqualTo("OK");
    assertThat(r.header("Content-Type")).isEqualTo("application/json;charset=UTF-8");
    assertThat(r.header("Server")).isEqualTo("pve-api-daemon/3.0");
    assertThat(r.data().get("version").asText()).isEqualTo("8.2.4");
    assertThat(r.data().get("release").asText()).isEqualTo("8.2");
    assertThat(r.data().get("repoid").asText()).matches("[0-9a-f]{16}");
  }

  @Test
  void domainError_is500WithMessageAsReasonPhraseAndClosesConnection() {
    SimClient.Reply r = c.get("/nodes/pve/lxc/9199/config");
    assertThat(r.code()).isEqualTo(500);
    assertThat(r.reason()).isEqualTo("Configuration file 'nodes/pve/lxc/9199.conf' does not exist");
    assertThat(r.json().get("data").isNull()).isTrue();
    assertThat(r.json().get("message").asText())
        .isEqualTo("Configuration file 'nodes/pve/lxc/9199.conf' does not exist\n");
    assertThat(r.header("Connection")).isEqualTo("close");
  }

  @Test
  void unknownParameter_is400WithSchemaErrorPerParameter() {
    SimClient.Reply r = c.post("/nodes/pve/lxc/9000/clone", "newid", "9150", "name", "web");
    assertThat(r.code()).isEqualTo(400);
    assertThat(r.reason()).isEqualTo("Parameter verification failed.");
    assertThat(r.json().get("errors").get("name").asText())
        .isEqualTo(
            "property is not defined in schema and the schema does not allow additional properties");
    assertThat(r.json().get("message").asText()).isEqualTo("Parameter verification failed.\n");
    assertThat(sim.guest(9150)).isEmpty();
  }

  @Test
  void badTypes_formBooleansAndMissingRequired_areReportedTogether() {
    SimClient.Reply r = c.post("/nodes/pve/lxc/9000/clone", "full", "true", "bwlimit", "x");
    assertThat(r.code()).isEqualTo(400);
    JsonNode errors = r.json().get("errors");
    assertThat(errors.get("full").asText()).isEqualTo("type check ('boolean') failed - got 'true'");
    assertThat(errors.get("newid").asText())
        .isEqualTo("property is missing and it is not optional");
    assertThat(errors.get("bwlimit").asText()).isEqualTo("type check ('number') failed - got 'x'");

    SimClient.Reply bad = c.get("/nodes/pve/lxc/abc/config");
    assertThat(bad.code()).isEqualTo(400);
    assertThat(bad.json().get("errors").get("vmid").asText())
        .isEqualTo("type check ('integer') failed - got 'abc'");

    // pve-vmid's format is checked before its minimum, so 99 fails on the format
    SimClient.Reply low = c.get("/cluster/nextid?vmid=99");
    assertThat(low.json().get("errors").get("vmid").asText())
        .isEqualTo("invalid format - value does not look like a valid VM ID\n");

    SimClient.Reply en = c.get("/cluster/resources?type=pool");
    assertThat(en.json().get("errors").get("type").asText())
        .isEqualTo(
            "value 'pool' does not have a value in the enumeration 'vm, storage, node, sdn'");
  }

  @Test
  void jsonBodies_acceptJsonBooleans() {
    SimClient.Reply r =
        c.postJson(
            "/nodes/pve/lxc/9000/clone", "{\"newid\":9151,\"full\":false,\"hostname\":\"j-1\"}");
    assertThat(r.code()).isEqualTo(200);
    assertThat(c.run(r)).isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9151/config").data().get("hostname").asText())
        .isEqualTo("j-1");
  }

  @Test
  void bodyOnDelete_is501UnexpectedContent() {
    Request req =
        new Request.Builder()
            .url(c.base + "/nodes/pve/lxc/9000")
            .delete(
                RequestBody.create("force=1", MediaType.get("application/x-www-form-urlencoded")))
            .header("Authorization", c.auth)
            .build();
    SimClient.Reply r = c.raw(req);
    assertThat(r.code()).isEqualTo(501);
    assertThat(r.reason()).isEqualTo("Unexpected content for method 'DELETE'");
    assertThat(sim.guest(9000)).isPresent();
  }

  @Test
  void unknownPathOrMethod_is501NotImplemented() {
    SimClient.Reply r = c.get("/nodes/pve/lxc/100/foo");
    assertThat(r.code()).isEqualTo(501);
    assertThat(r.reason()).isEqualTo("Method 'GET /nodes/pve/lxc/100/foo' not implemented");
    SimClient.Reply post = c.post("/nodes/pve/lxc/9000/config", "cores", "2");
    assertThat(post.code()).isEqualTo(501);
    assertThat(post.reason()).isEqualTo("Method 'POST /nodes/pve/lxc/9000/config' not implemented");
  }

  @Test
  void missingCredentials_is401NoTicketWithEmptyBody() {
    SimClient.Reply r = c.raw(new Request.Builder().url(c.base + "/nodes").build());
    assertThat(r.code()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("No ticket");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void wrongSecretOrUnknownToken_is401AuthenticationFailedWithEmptyBody() {
    for (String header :
        new String[] {
          "PVEAPIToken=ctl@pve!ci=wrong",
          "PVEAPIToken=nobody@pve!x=" + SimTestSupport.SECRET,
          "PVEAPIToken=garbage"
        }) {
      SimClient.Reply r =
          c.raw(
              new Request.Builder().url(c.base + "/nodes").header("Authorization", header).build());
      assertThat(r.code()).as(header).isEqualTo(401);
      assertThat(r.reason()).isEqualTo("Authentication failed!");
      assertThat(r.body()).isEmpty();
    }
  }

  @Test
  void tokenWithSpaceSeparator_isAccepted() {
    SimClient.Reply r =
        c.raw(
            new Request.Builder()
                .url(c.base + "/version")
                .header(
                    "Authorization",
                    "PVEAPIToken " + SimTestSupport.TOKEN_ID + "=" + SimTestSupport.SECRET)
                .build());
    assertThat(r.code()).isEqualTo(200);
  }

  @Test
  void tokenValue_isSplitAtTheLastEquals() {
    // like verify_token's /^(.*)=(.*)$/: a secret containing '=' can never match
    try (ProxmoxSimulator other =
        ProxmoxSimulator.start(SimTestSupport.fast().token("a@pve!bb", "x=y").build())) {
      SimClient oc = new SimClient(other);
      SimClient.Reply r =
          oc.raw(
              new Request.Builder()
                  .url(oc.base + "/version")
                  .header("Authorization", "PVEAPIToken=a@pve!bb=x=y")
                  .build());
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.reason()).isEqualTo("Authentication failed!");
    }
    assertThat(SimulatorOptions.parseToken("u@pve!tok=abc").getKey()).isEqualTo("u@pve!tok");
  }

  @Test
  void nextid_isAStringAndReservesNothing() {
    SimClient.Reply a = c.get("/cluster/nextid");
    SimClient.Reply b = c.get("/cluster/nextid");
    assertThat(a.data().isTextual()).isTrue();
    assertThat(a.data().asText()).isEqualTo(b.data().asText());
    int id = Integer.parseInt(a.data().asText());
    assertThat(sim.vmids()).doesNotContain(id);
    assertThat(c.get("/cluster/nextid?vmid=9876").data().asText()).isEqualTo("9876");
  }

  @Test
  void nextidWithTakenVmid_is400WithVmErrorEvenForContainers() {
    SimClient.Reply r = c.get("/cluster/nextid?vmid=9000");
    assertThat(r.code()).isEqualTo(400);
    assertThat(r.json().get("errors").get("vmid").asText()).isEqualTo("VM 9000 already exists");
  }

  @Test
  void queryAndBodyParameters_areMergedAndPathConflictsRejected() {
    SimClient.Reply r =
        c.call(
            new Request.Builder()
                .url(c.base + "/nodes/pve/lxc/9000/clone?newid=9152")
                .post(SimClient.form("hostname", "merged")));
    assertThat(c.run(r)).isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9152/config").data().get("hostname").asText())
        .isEqualTo("merged");

    SimClient.Reply conflict = c.get("/nodes/pve/lxc/9000/config?vmid=9001");
    assertThat(conflict.code()).isEqualTo(400);
    assertThat(conflict.json().get("errors").get("vmid").asText())
        .isEqualTo("duplicate parameter (already defined in URI) with conflicting values!");
  }

  @Test
  void urlEncodedUpidInPath_isDecodedBeforeRouting() throws Exception {
    String upid = c.upid(c.post("/nodes/pve/lxc/9000/clone", "newid", "9153"));
    c.await(upid);
    String encoded = java.net.URLEncoder.encode(upid, java.nio.charset.StandardCharsets.UTF_8);
    SimClient.Reply r = c.get("/nodes/pve/tasks/" + encoded + "/status");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.data().get("upid").asText()).isEqualTo(upid);
  }

  @Test
  void unknownNode_is500HostnameLookupFailure() {
    SimClient.Reply r = c.get("/nodes/nosuch/lxc");
    assertThat(r.code()).isEqualTo(500);
    assertThat(r.reason()).startsWith("hostname lookup 'nosuch' failed");
  }
}
