package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A worker task with a real UPID, a log, and an exit status once stopped. Guarded by the state
 * monitor.
 */
final class Task {
  final String upid;
  final String node;
  final int pid;
  final long pstart;
  final long starttime;
  final String type;
  final String id;

  /** Authenticated identity: {@code user@realm!token} for API tokens. */
  final String authId;

  final List<String> log = new ArrayList<>();
  String exitstatus;
  long endtime;

  /** Decided at start from the fault settings: the task fails at its end. */
  boolean injectedFailure;

  /** {@code WARN:} lines logged; a successful end then reads {@code WARNINGS: n}. */
  int warnings;

  Task(String node, int pid, long pstart, long starttime, String type, String id, String authId) {
    this.node = node;
    this.pid = pid;
    this.pstart = pstart;
    this.starttime = starttime;
    this.type = type;
    this.id = id == null ? "" : id;
    this.authId = authId;
    this.upid =
        String.format(
            Locale.ROOT,
            "UPID:%s:%08X:%08X:%08X:%s:%s:%s:",
            node,
            pid,
            pstart,
            starttime,
            type,
            this.id,
            authId);
  }

  boolean running() {
    return exitstatus == null;
  }

  String user() {
    int bang = authId.indexOf('!');
    return bang < 0 ? authId : authId.substring(0, bang);
  }

  String tokenid() {
    int bang = authId.indexOf('!');
    return bang < 0 ? null : authId.substring(bang + 1);
  }

  void log(String line) {
    log.add(line);
  }

  /** Ends the task successfully. Returns false if it had already ended. */
  boolean finishOk(long nowMillis) {
    if (!running()) {
      return false;
    }
    if (warnings > 0) {
      log.add("TASK WARNINGS: " + warnings);
      exitstatus = "WARNINGS: " + warnings;
    } else {
      log.add("TASK OK");
      exitstatus = "OK";
    }
    endtime = nowMillis / 1000;
    return true;
  }

  boolean finishError(String message, long nowMillis) {
    if (!running()) {
      return false;
    }
    String msg = message.strip();
    log.add("TASK ERROR: " + msg);
    exitstatus = msg;
    endtime = nowMillis / 1000;
    return true;
  }

  /** The fields the task status and the task list share. */
  private Map<String, Object> commonJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("upid", upid);
    m.put("node", node);
    m.put("pid", pid);
    m.put("pstart", pstart);
    m.put("starttime", starttime);
    m.put("type", type);
    m.put("id", id);
    m.put("user", user());
    if (tokenid() != null) {
      m.put("tokenid", tokenid());
    }
    return m;
  }

  Map<String, Object> statusJson() {
    Map<String, Object> m = commonJson();
    m.put("status", running() ? "running" : "stopped");
    if (!running()) {
      m.put("exitstatus", exitstatus);
    }
    return m;
  }

  Map<String, Object> listJson() {
    Map<String, Object> m = commonJson();
    if (!running()) {
      m.put("endtime", endtime);
      m.put("status", exitstatus);
    }
    return m;
  }
}
