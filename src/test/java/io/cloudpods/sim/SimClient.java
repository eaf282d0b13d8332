package io.cloudpods.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.FormBody;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Raw HTTP access to a simulator for tests: status, reason phrase, headers and parsed body. */
final class SimClient {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One response, fully read. */
  record Reply(int code, String reason, Map<String, java.util.List<String>> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    JsonNode data() {
      return json().get("data");
    }

    String header(String name) {
      for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  final OkHttpClient http;
  final String base;
  final String auth;

  SimClient(ProxmoxSimulator sim) {
    this(
        sim,
        new OkHttpClient.Builder()
            .readTimeout(20, TimeUnit.SECONDS)
            .retryOnConnectionFailure(false)
            .build());
  }

  SimClient(ProxmoxSimulator sim, OkHttpClient http) {
    this(sim, http, sim.authorizationHeader());
  }

  /** A client authenticating with another {@code Authorization} header. */
  SimClient(ProxmoxSimulator sim, OkHttpClient http, String auth) {
    this.http = http;
    this.base = sim.baseUrl();
    this.auth = auth;
  }

  static FormBody form(String... kv) {
    FormBody.Builder b = new FormBody.Builder();
    for (int i = 0; i < kv.length; i += 2) {
      b.add(kv[i], kv[i + 1]);
    }
    return b.build();
  }

  Reply get(String path) {
    return call(new Request.Builder().url(base + path).get());
  }

  Reply post(String path, String... kv) {
    return call(new Request.Builder().url(base + path).post(form(kv)));
  }

  Reply postJson(String path, String json) {
    return call(
        new Request.Builder()
            .url(base + path)
            .post(RequestBody.create(json, MediaType.get("application/json"))));
  }

  Reply put(String path, String... kv) {
    return call(new Request.Builder().url(base + path).put(form(kv)));
  }

  Reply delete(String path) {
    return call(new Request.Builder().url(base + path).delete());
  }

  Reply sim(String method, String path, String json) {
    String root = base.replace("/api2/json", "");
    RequestBody body =
        json == null ? null : RequestBody.create(json, MediaType.get("application/json"));
    return call(new Request.Builder().url(root + path).method(method, body));
  }

  Reply call(Request.Builder rb) {
    return raw(rb.header("Authorization", auth).build());
  }

  Reply raw(Request r) {
    try (Response resp = http.newCall(r).execute()) {
      return new Reply(
          resp.code(),
          resp.message(),
          resp.headers().toMultimap(),
          resp.body() == null ? "" : resp.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the UPID from a successful async call, failing loudly otherwise. */
  String upid(Reply r) {
    if (r.code() != 200) {
      throw new AssertionError(
          "expected 200 with a UPID, got " + r.code() + " " + r.reason() + " " + r.body());
    }
    return r.data().asText();
  }

  static String node(String upid) {
    return upid.split(":")[1];
  }

  JsonNode taskStatus(String upid) {
    return get("/nodes/" + node(upid) + "/tasks/" + upid + "/status").data();
  }

  /** Polls the task until stopped and returns its final status object. */
  JsonNode await(String upid) {
    return await(upid, Duration.ofSeconds(20));
  }

  JsonNode await(String upid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode st = taskStatus(upid);
      if (st.get("status").asText().equals("stopped")) {
        return st;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("task still running after " + timeout + ": " + st);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Runs an async call and waits for its task; returns the exit status. */
  String run(Reply r) {
    return await(upid(r)).get("exitstatus").asText();
  }
}
