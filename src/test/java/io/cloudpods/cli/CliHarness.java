package io.cloudpods.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * Runs the CLI in-process against a loopback {@link MockWebServer}, with its own working directory,
 * project directory and environment, capturing stdout, stderr and the exit code.
 */
final class CliHarness implements AutoCloseable {
  final MockWebServer server = new MockWebServer();
  final Map<String, String> env = new HashMap<>();
  final Path cwd;
  final Path home;
  boolean terminal;
  String stdin = "";

  String out;
  String err;
  int exit;

  CliHarness() throws IOException {
    server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    cwd = Files.createTempDirectory("cli-cwd");
    home = Files.createTempDirectory("cli-home");
    env.put("CLOUDPODS_SERVER", baseUrl());
    env.put("CLOUDPODS_TOKEN", "test-token");
  }

  String baseUrl() {
    String u = server.url("/").toString();
    return u.substring(0, u.length() - 1);
  }

  int run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
        PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
      exit =
          new CliMain(
                  new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                  po,
                  pe,
                  env,
                  cwd,
                  home,
                  terminal,
                  Duration.ofMillis(10))
              .run(args);
    }
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return exit;
  }

  static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  static MockResponse json(String body) {
    return json(200, body);
  }

  void enqueue(String body) {
    server.enqueue(json(body));
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(2, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no request was sent");
    }
    return r;
  }

  Path write(String relative, String content) throws IOException {
    Path p = cwd.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
  }
}
