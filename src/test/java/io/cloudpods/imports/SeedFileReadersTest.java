package io.cloudpods.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's IPAM file and JSON log, read as streams with the quirks the scripts leave. */
class SeedFileReadersTest {

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A log line as the scripts' json_log writes it. */
  static String line(String message, String extra) {
    String esc = message.replace("\"", "\\\"");
    return "{\"ts\":\"2025-01-02T03:04:05+00:00\",\"level\":\"info\",\"message\":\""
        + esc
        + "\""
        + (extra.isEmpty() ? "" : "," + extra)
        + "}\n";
  }

  static String created(int vmid, String host, String ip, String tenant, int cores, int mem) {
    String id = "\"vmid\":" + vmid + ",\"hostname\":\"" + host + "\"";
    return line(
            "CloudPod create requested",
            id + ",\"ip\":\"" + ip + "/24\",\"tenant\":\"" + tenant + "\"")
        + line("Cloning template", id + ",\"storage\":\"clients-main\"")
        + line(
            "Configuring netplan",
            "\"vmid\":" + vmid + ",\"ip\":\"" + ip + "/24\",\"gateway\":\"10.1.10.1\"")
        + line(
            "CloudPod created successfully",
            id
                + ",\"ip\":\""
                + ip
                + "/24\",\"tenant\":\""
                + tenant
                + "\",\"cores\":"
                + cores
                + ",\"memory_mb\":"
                + mem);
  }

  static String destroyed(int vmid, String host, String ipOrEmpty) {
    String f = "\"vmid\":" + vmid + ",\"hostname\":\"" + host + "\",\"ip\":\"" + ipOrEmpty + "\"";
    return line("CloudPod destroy requested", f) + line("CloudPod destroyed successfully", f);
  }

  // --- IPAM file ------------------------------------------------------------------------------

  @Test
  void ipam_oneAddressPerLine_readInOrderWithLineNumbers() {
    IpamFile.Contents c = IpamFile.read(text("10.1.10.91\n10.1.10.50\n"), "ipam.txt");

    assertThat(c.addresses()).containsExactly("10.1.10.91", "10.1.10.50");
    assertThat(c.entries().get(1).line()).isEqualTo(2);
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void ipam_garbageBlankCommentsDuplicatesAndCrlf_warnPerLineAndKeepTheRest() {
    IpamFile.Contents c =
        IpamFile.read(
            text("# scripts\n10.1.10.91\r\n\nnot-an-ip\n10.1.10.300\n10.1.10.91\n10.1.10.92"),
            "ipam.txt");

    assertThat(c.addresses()).containsExactly("10.1.10.91", "10.1.10.92");
    assertThat(c.warnings())
        .extracting(ImportWarning::toString)
        .containsExactly(
            "ipam.txt:4: not an IPv4 address: 'not-an-ip'; skipped",
            "ipam.txt:5: not an IPv4 address: '10.1.10.300'; skipped",
            "ipam.txt:6: 10.1.10.91 is listed again (first on line 2)");
  }

  @Test
  void ipam_binaryFile_isAClearErrorNamingFileAndLine() {
    byte[] bin = {'1', '0', '\n', 0x7f, 'E', 'L', 'F', 0, 1, 2};

    assertThatThrownBy(() -> IpamFile.read(new ByteArrayInputStream(bin), "ipam.txt"))
        .isInstanceOf(ImportFileException.class)
        .hasMessage("ipam.txt:2: binary content (a NUL byte); this is not a text file");
  }

  @Test
  void ipam_bytesThatAreNotUtf8_areBinary() {
    byte[] bin = {'1', '0', '.', (byte) 0xff, (byte) 0xfe, '\n'};

    assertThatThrownBy(() -> IpamFile.read(new ByteArrayInputStream(bin), "ipam.txt"))
        .isInstanceOf(ImportFileException.class)
        .hasMessageContaining("ipam.txt:1: binary content");
  }

  // --- log --------------------------------------------------------------------------------------

  @Test
  void log_createSequence_foldsToOneCreatedPodWithTheLastLine() {
    SeedLog.Contents c =
        SeedLog.read(text(created(9101, "cloudpod-9101", "10.1.10.91", "acme", 2, 2048)), "log");

    assertThat(c.pods()).containsOnlyKeys(9101);
    LogPod p = c.pods().get(9101);
    assertThat(p)
        .isEqualTo(
            new LogPod(
                9101, "cloudpod-9101", "10.1.10.91", "acme", 2, 2048, LogPod.State.CREATED, 4));
    assertThat(c.lines()).isEqualTo(4);
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void log_nonJsonLines_warnWithLineNumberAndAreSkipped() {
    String log =
        "[+] Cloning template CT 9000 -> CT 9101...\n"
            + created(9101, "a", "10.1.10.91", "acme", 2, 2048)
            + "[1,2]\n";

    SeedLog.Contents c = SeedLog.read(text(log), "migra.log");

    assertThat(c.pods()).containsOnlyKeys(9101);
    assertThat(c.warnings()).hasSize(2);
    assertThat(c.warnings().get(0).toString()).startsWith("migra.log:1: not JSON");
    assertThat(c.warnings().get(1).toString())
        .isEqualTo("migra.log:6: not a JSON object; skipped: '[1,2]'");
  }

  @Test
  void log_messageWithEscapedQuotes_isRead() {
    String log =
        line(
            "CloudPod \"special\" create requested",
            "\"vmid\":9102,\"hostname\":\"b\",\"ip\":\"10.1.10.92/24\",\"tenant\":\"acme\"");

    SeedLog.Contents c = SeedLog.read(text(log), "log");

    assertThat(c.warnings()).isEmpty();
    assertThat(c.pods().get(9102).ip()).isEqualTo("10.1.10.92");
  }

  @Test
  void log_unescapedQuoteInAField_isAWarningNotAFailure() {
    // the script escapes the message only; a hostname with a quote breaks the line's JSON
    String log =
        "{\"ts\":\"t\",\"level\":\"info\",\"message\":\"Cloning template\",\"vmid\":9103,\"hostname\":\"a\"b\"}\n";

    SeedLog.Contents c = SeedLog.read(text(log), "log");

    assertThat(c.pods()).isEmpty();
    assertThat(c.warnings()).singleElement().asString().startsWith("log:1: not JSON");
  }

  @Test
  void log_truncatedLastLine_isAWarningNamingItsLine() {
    String log = created(9101, "a", "10.1.10.91", "acme", 2, 2048) + "{\"ts\":\"2025-01-0";

    SeedLog.Contents c = SeedLog.read(text(log), "log");

    assertThat(c.pods().get(9101).state()).isEqualTo(LogPod.State.CREATED);
    assertThat(c.warnings())
        .singleElement()
        .asString()
        .startsWith("log:5: truncated JSON (the line ends before the object does)");
  }

  @Test
  void log_createWithoutSuccess_isRequested() {
    String log =
        line(
            "CloudPod create requested",
            "\"vmid\":9104,\"hostname\":\"c\",\"ip\":\"10.1.10.94/24\",\"tenant\":\"acme\"");

    assertThat(SeedLog.read(text(log), "log").pods().get(9104).state())
        .isEqualTo(LogPod.State.REQUESTED);
  }

  @Test
  void log_destroyWithUnreadableAddress_keepsTheAddressOfTheCreate() {
    String log = created(9105, "d", "10.1.10.95", "acme", 2, 2048) + destroyed(9105, "d", "");

    LogPod p = SeedLog.read(text(log), "log").pods().get(9105);

    assertThat(p.state()).isEqualTo(LogPod.State.DESTROYED);
    assertThat(p.ip()).as("an empty address never wins").isEqualTo("10.1.10.95");
    assertThat(p.alive()).isFalse();
  }

  @Test
  void log_destroyOfAContainerNeverCreated_isADestroyedPod() {
    LogPod p = SeedLog.read(text(destroyed(9106, "gone", "10.1.10.96/24")), "log").pods().get(9106);

    assertThat(p.state()).isEqualTo(LogPod.State.DESTROYED);
    assertThat(p.tenant()).isNull();
  }

  @Test
  void log_recreateAfterDestroy_laterLineWins() {
    String log =
        created(9107, "e", "10.1.10.97", "acme", 2, 2048)
            + destroyed(9107, "e", "10.1.10.97/24")
            + created(9107, "e2", "10.1.10.98", "beta", 4, 4096);

    LogPod p = SeedLog.read(text(log), "log").pods().get(9107);

    assertThat(p)
        .isEqualTo(new LogPod(9107, "e2", "10.1.10.98", "beta", 4, 4096, LogPod.State.CREATED, 10));
  }

  @Test
  void log_vmidNotANumber_warns() {
    String log = line("Cloning template", "\"vmid\":\"abc\",\"hostname\":\"x\"");

    SeedLog.Contents c = SeedLog.read(text(log), "log");

    assertThat(c.pods()).isEmpty();
    assertThat(c.warnings()).singleElement().asString().contains("vmid is not a number");
  }

  @Test
  void log_binary_isAClearError() {
    byte[] bin =
        (created(9101, "a", "10.1.10.91", "acme", 2, 2048) + "\0\0\0")
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> SeedLog.read(new ByteArrayInputStream(bin), "migra.log"))
        .isInstanceOf(ImportFileException.class)
        .hasMessageStartingWith("migra.log:5: binary content");
  }

  @Test
  void log_manyGarbageLines_warningsAreBoundedWithACount() {
    String log = "garbage\n".repeat(1000);

    SeedLog.Contents c = SeedLog.read(text(log), "log");

    assertThat(c.warnings()).hasSize(SeedLog.MAX_WARNINGS + 1);
    assertThat(c.warnings().get(SeedLog.MAX_WARNINGS).toString())
        .isEqualTo("log:1000: 800 more warnings not shown (up to this line)");
  }

  /** Counts what is read and how much the reader asks for at once. */
  static final class CountingStream extends FilterInputStream {
    long total;
    int largestRead;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        total += n;
        largestRead = Math.max(largestRead, n);
      }
      return n;
    }
  }

  @Test
  void log_100MegabyteFile_isStreamedWithBoundedMemory(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("migra-cloudpods.log");
    // 400 pods, created and destroyed again and again, then one huge line of garbage
    long size = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      int round = 0;
      while (size < 95L * 1024 * 1024) {
        StringBuilder b = new StringBuilder();
        for (int v = 0; v < 400; v++) {
          b.append(
              created(9001 + v, "p" + v, "10.1." + (v / 200) + "." + (v % 200 + 1), "t", 2, 2048));
          if (round % 2 == 0) {
            b.append(destroyed(9001 + v, "p" + v, ""));
          }
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        size += bytes.length;
        round++;
      }
      byte[] huge = new byte[6 * 1024 * 1024];
      java.util.Arrays.fill(huge, (byte) 'x');
      out.write(huge);
      out.write('\n');
      size += huge.length + 1;
    }
    assertThat(Files.size(file)).isGreaterThan(100L * 1024 * 1024);

    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    SeedLog.Contents c;
    CountingStream counting;
    try (InputStream in = Files.newInputStream(file)) {
      counting = new CountingStream(in);
      c = SeedLog.read(counting, file.getFileName().toString());
    }
    System.gc();
    long retained = rt.totalMemory() - rt.freeMemory() - before;

    assertThat(counting.total).as("read to the end, once").isEqualTo(Files.size(file));
    assertThat(counting.largestRead).as("in 64 KiB chunks").isLessThanOrEqualTo(64 * 1024);
    assertThat(c.pods()).hasSize(400);
    assertThat(c.pods().get(9001).state()).isEqualTo(LogPod.State.CREATED);
    assertThat(c.warnings())
        .singleElement()
        .asString()
        .endsWith(": line longer than 65536 bytes; skipped");
    assertThat(retained)
        .as("what the result keeps is the 400 pods, not the file")
        .isLessThan(16L * 1024 * 1024);
  }
}
