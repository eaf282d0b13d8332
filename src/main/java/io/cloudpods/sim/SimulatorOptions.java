package io.cloudpods.sim;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Start-up options of the simulator.
 *
 * @param bindHost address to listen on (default {@code 127.0.0.1})
 * @param port TCP port; 0 picks a free port
 * @param http plain HTTP instead of HTTPS with a generated self-signed certificate
 * @param tokens accepted API tokens, token id ({@code user@realm!name}) to secret; empty = generate
 *     one
 * @param nodes number of nodes ({@code pve}, {@code pve-02}, ...)
 * @param scenario initial content
 * @param timing operation durations and time scale
 * @param seed seed for generated values (MAC addresses, pids) so runs are reproducible
 * @param pveVersion emulated pve-manager version; below 8.2 list entries carry {@code vmid} as a
 *     string
 * @param authFailureDelay delay before every 401 (a real server waits about 3 s)
 * @param nodeMemoryBytes memory of every node (default 128 GiB)
 * @param clientStorageBytes size of every node's {@code clients-main} storage (default 2 TiB)
 */
public record SimulatorOptions(
    String bindHost,
    int port,
    boolean http,
    Map<String, String> tokens,
    int nodes,
    Scenario scenario,
    TimingModel timing,
    long seed,
    String pveVersion,
    Duration authFailureDelay,
    long nodeMemoryBytes,
    long clientStorageBytes) {

  static final long GIB = 1L << 30;
  static final long DEFAULT_NODE_MEMORY = 128 * GIB;
  static final long DEFAULT_CLIENT_STORAGE = 2048 * GIB;

  /**
   * The options without the layout sizes (defaults: 128 GiB per node, 2 TiB {@code clients-main}).
   */
  public SimulatorOptions(
      String bindHost,
      int port,
      boolean http,
      Map<String, String> tokens,
      int nodes,
      Scenario scenario,
      TimingModel timing,
      long seed,
      String pveVersion,
      Duration authFailureDelay) {
    this(
        bindHost,
        port,
        http,
        tokens,
        nodes,
        scenario,
        timing,
        seed,
        pveVersion,
        authFailureDelay,
        DEFAULT_NODE_MEMORY,
        DEFAULT_CLIENT_STORAGE);
  }

  static final Pattern TOKEN_ID =
      Pattern.compile("[^\\s:@!=]+@[A-Za-z][A-Za-z0-9.\\-_]+![A-Za-z][A-Za-z0-9.\\-_]+");
  static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)[.-](\\d+)");

  public SimulatorOptions {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(pveVersion, "pveVersion");
    Objects.requireNonNull(authFailureDelay, "authFailureDelay");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (nodes < 1 || nodes > 64) {
      throw new IllegalArgumentException("nodes must be 1..64, got " + nodes);
    }
    if (!VERSION.matcher(pveVersion).matches()) {
      throw new IllegalArgumentException(
          "pveVersion must look like 8.2.4 or 7.4-16, got '" + pveVersion + "'");
    }
    if (nodeMemoryBytes < GIB) {
      throw new IllegalArgumentException(
          "node memory must be at least 1 GiB, got " + nodeMemoryBytes + " bytes");
    }
    if (clientStorageBytes < 16 * GIB) {
      throw new IllegalArgumentException(
          "clients-main size must be at least 16 GiB, got " + clientStorageBytes + " bytes");
    }
    tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens == null ? Map.of() : tokens));
    for (String id : tokens.keySet()) {
      if (!TOKEN_ID.matcher(id).matches()) {
        throw new IllegalArgumentException(
            "token id must look like user@realm!name, got '" + id + "'");
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Parses {@code user@realm!name=secret}, splitting at the last {@code =} as Proxmox does. */
  public static Map.Entry<String, String> parseToken(String spec) {
    int eq = spec.lastIndexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException(
          "token must look like user@realm!name=secret, got '" + spec + "'");
    }
    String id = spec.substring(0, eq);
    if (!TOKEN_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "token id must look like user@realm!name, got '" + id + "'");
    }
    return Map.entry(id, spec.substring(eq + 1));
  }

  /**
   * True when list endpoints report {@code vmid} as a JSON string (pve-container before PVE 8.2).
   */
  boolean stringVmids() {
    var m = VERSION.matcher(pveVersion);
    m.matches();
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major < 8 || (major == 8 && minor < 2);
  }

  public static final class Builder {
    private String bindHost = "127.0.0.1";
    private int port = 8006;
    private boolean http;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private int nodes = 1;
    private Scenario scenario = Scenario.SEED;
    private TimingModel timing = TimingModel.realistic();
    private long seed = 42;
    private String pveVersion = "8.2.4";
    private Duration authFailureDelay = Duration.ofSeconds(3);
    private long nodeMemoryBytes = DEFAULT_NODE_MEMORY;
    private long clientStorageBytes = DEFAULT_CLIENT_STORAGE;

    public Builder bindHost(String v) {
      bindHost = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder http(boolean v) {
      http = v;
      return this;
    }

    public Builder token(String tokenId, String secret) {
      tokens.put(tokenId, secret);
      return this;
    }

    public Builder token(String spec) {
      var e = parseToken(spec);
      tokens.put(e.getKey(), e.getValue());
      return this;
    }

    public Builder nodes(int v) {
      nodes = v;
      return this;
    }

    public Builder scenario(Scenario v) {
      scenario = v;
      return this;
    }

    public Builder timing(TimingModel v) {
      timing = v;
      return this;
    }

    public Builder timeScale(double v) {
      timing = timing.withTimeScale(v);
      return this;
    }

    public Builder resourcesLag(Duration v) {
      timing = timing.withResourcesLag(v);
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder pveVersion(String v) {
      pveVersion = v;
      return this;
    }

    public Builder authFailureDelay(Duration v) {
      authFailureDelay = v;
      return this;
    }

    /** Memory of every node, e.g. for 10,000 pods whose memory placement must find room for. */
    public Builder nodeMemoryGiB(long v) {
      nodeMemoryBytes = v * GIB;
      return this;
    }

    /** Size of every node's {@code clients-main} storage. */
    public Builder clientStorageGiB(long v) {
      clientStorageBytes = v * GIB;
      return this;
    }

    public SimulatorOptions build() {
      return new SimulatorOptions(
          bindHost,
          port,
          http,
          tokens,
          nodes,
          scenario,
          timing,
          seed,
          pveVersion,
          authFailureDelay,
          nodeMemoryBytes,
          clientStorageBytes);
    }
  }
}
