package io.cloudpods.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cloudpods bench <scenario> [options]}: runs one benchmark scenario against an embedded
 * PostgreSQL, an in-process Proxmox simulator and the packaged controller as a child process, and
 * prints one JSON document with the parameters, the simulator's timing model, the machine, the
 * figures and the goals. Progress goes to stderr.
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("cloudpods bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.scenario.equals("help") || options.scenario.startsWith("-")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    int rc = 0;
    Map<String, Object> doc;
    try {
      if (options.scenario.equals("all")) {
        doc = new LinkedHashMap<>();
        doc.put("scenario", "all");
        doc.put("startedAt", Instant.now().toString());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (String s : List.of("converge", "steady", "reaction", "api")) {
          runs.add(run(s, options));
        }
        doc.put("runs", runs);
        doc.put("machine", machine());
      } else {
        doc = run(options.scenario, options);
      }
    } catch (Exception e) {
      System.err.println("cloudpods bench: " + options.scenario + " failed: " + e);
      e.printStackTrace(System.err);
      System.exit(1);
      return;
    }
    try {
      String json =
          BenchEnv.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
      System.out.println(json);
      System.out.flush();
      if (options.out != null) {
        Path parent = options.out.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(options.out, json + "\n");
        System.err.println("bench: written to " + options.out);
      }
    } catch (IOException e) {
      System.err.println("cloudpods bench: cannot write the result: " + e.getMessage());
      rc = 1;
    }
    // the embedded server's and the simulator's threads must not keep the JVM alive
    System.exit(rc);
  }

  static Map<String, Object> run(String scenario, BenchOptions o) throws Exception {
    BenchEnv.progress("scenario " + scenario);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("scenario", scenario);
    doc.put("startedAt", Instant.now().toString());
    Map<String, Object> machineBefore = machine();
    long t0 = System.nanoTime();
    Scenarios.Result r =
        switch (scenario) {
          case "converge" -> Scenarios.converge(o);
          case "steady" -> Scenarios.steady(o);
          case "reaction" -> Scenarios.reaction(o);
          case "api" -> Scenarios.api(o);
          case "backup" -> BackupBench.run(o);
          case "scrape" -> ScrapeScenario.run(o);
          default -> throw new IllegalArgumentException(scenario);
        };
    doc.put("parameters", r.parameters());
    doc.put("simulator", r.simulator());
    doc.put("machine", machineBefore);
    doc.put("figures", r.figures());
    doc.put("goals", r.goals());
    doc.put("notes", r.notes());
    doc.put("loadAverageAtEnd", loadAverage());
    doc.put("wallSeconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
    return doc;
  }

  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          m.put("memoryBytes", Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    String os =
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch");
    try {
      for (String l : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (l.startsWith("PRETTY_NAME=")) {
          os = l.substring(12).replace("\"", "") + " (" + os + ")";
        }
      }
    } catch (IOException ignored) {
      // keep the JVM's view
    }
    m.put("os", os);
    m.put(
        "java",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")");
    m.put("benchJvm", ManagementFactory.getRuntimeMXBean().getInputArguments());
    m.put("loadAverage", loadAverage());
    long self = ProcessHandle.current().pid();
    m.put(
        "otherJavaProcesses",
        ProcessHandle.allProcesses()
            .filter(p -> p.pid() != self)
            .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
            .filter(p -> p.parent().map(pp -> pp.pid() != self).orElse(true))
            .count());
    return m;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
