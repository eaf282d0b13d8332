package io.cloudpods.proxmox.http;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/** A scripted Proxmox API on 127.0.0.1 for client tests; responses are queued in call order. */
final class MockProxmox implements AutoCloseable {

  static final String TOKEN_ID = "ctl@pve!controller";
  static final String SECRET = "0b7e2f8c-1d3a-4c5b-9e6f-a1b2c3d4e5f6";

  final MockWebServer server = new MockWebServer();

  MockProxmox() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  String httpUrl() {
    return "http://127.0.0.1:" + server.getPort() + "/api2/json";
  }

  HttpProxmoxClient client() {
    return new HttpProxmoxClient(ProxmoxClientSettings.of(httpUrl(), TOKEN_ID, SECRET));
  }

  /** 200 with {@code {"data": <dataJson>}}. */
  MockProxmox data(String dataJson) {
    server.enqueue(json(200, "OK", "{\"data\":" + dataJson + "}"));
    return this;
  }

  /** An error the way old servers send it: reason phrase + {@code {"data":null}}. */
  MockProxmox oldError(int status, String reason) {
    server.enqueue(json(status, reason, "{\"data\":null}"));
    return this;
  }

  /** An error the way servers with http-server 5.2+ send it: reason phrase + message field. */
  MockProxmox newError(int status, String reason, String message) {
    server.enqueue(
        json(
            status,
            reason,
            "{\"data\":null,\"message\":\"" + message.replace("\n", "\\n") + "\\n\"}"));
    return this;
  }

  MockProxmox raw(MockResponse r) {
    server.enqueue(r);
    return this;
  }

  static MockResponse json(int status, String reason, String body) {
    return new MockResponse()
        .setStatus("HTTP/1.1 " + status + " " + reason)
        .setHeader("Content-Type", "application/json;charset=UTF-8")
        .setBody(body);
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no request received");
    }
    return r;
  }

  static String body(RecordedRequest r) {
    return r.getBody().readString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
  }
}
