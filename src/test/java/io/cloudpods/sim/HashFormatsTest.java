package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hash formats the simulator's routes take, parsed like pve-common's {@code
 * parse_property_string} and followed by the format's validator: {@code prune-backups} (pve-storage
 * {@code Storage/Plugin.pm}), vzdump's {@code fleecing} and {@code performance} (pve-guest-common
 * {@code VZDump/Common.pm}), the LXC {@code devN} and {@code unusedN} (pve-container {@code
 * LXC/Config.pm}). A row is {@code value|expected error}, empty for accepted; {@code \n} in a row
 * stands for a newline.
 */
class HashFormatsTest {

  private static void row(Schema.Check check, String value, String error) {
    String v = value == null ? "" : value.replace("\\n", "\n");
    String expected = error == null ? null : ("invalid format - " + error).replace("\\n", "\n");
    assertThat(check.apply(v)).as("'" + v + "'").isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "keep-last=3|",
        "keep-all=1|",
        "keep-all=0,keep-last=3|",
        "keep-last=3,keep-hourly=2,keep-daily=7,keep-weekly=4,keep-monthly=6,keep-yearly=1|",
        // nothing above 0: validate_prune_backups turns it into keep-all=1
        "keep-all=1,keep-last=0|",
        "\"\"|",
        "keep-all=yes|",
        "keep-last=3,|",
        "keep-last=3\\n|",
        "keep-all=1,keep-last=3|keep-all cannot be set together with other options.\\n",
        "keep-all=on,keep-daily=1|keep-all cannot be set together with other options.\\n",
        "keep-last=-1|format error\\nprune-backups.keep-last: value must have a minimum value of 0\\n",
        "keep-last=x|format error\\nprune-backups.keep-last: type check ('integer') failed - got 'x'\\n",
        "keep-all=maybe|"
            + "format error\\nprune-backups.keep-all: type check ('boolean') failed - got 'maybe'\\n",
        "keep-last=x,keep-daily=-2|format error\\n"
            + "prune-backups.keep-last: type check ('integer') failed - got 'x'\\n"
            + "prune-backups.keep-daily: value must have a minimum value of 0\\n",
        "keep-minutely=1|invalid key in comma-separated list property: keep-minutely\\n",
        "keep-last=1,keep-last=2|duplicate key in comma-separated list property: keep-last\\n",
        "keep-last=|missing key in comma-separated list property\\n",
        "=3|missing key in comma-separated list property\\n",
        "3|value without key, but schema does not define a default key\\n",
      })
  void pruneBackups(String value, String error) {
    row(PropertyStrings.pruneBackups("prune-backups"), value, error);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "1,storage=local-zfs|",
        "enabled=1,storage=Local-ZFS|",
        "0|",
        "enabled=0|",
        "1|'storage' parameter is required when 'enabled' is set\\n",
        "storage=x|format error\\n"
            + "fleecing.storage: invalid format - storage ID 'x' cannot be shorter than 2"
            + " characters\\n\\n",
        "1,0|duplicate key in comma-separated list property: enabled\\n",
      })
  void backupFleecing(String value, String error) {
    row(PropertyStrings.backupFleecing("fleecing"), value, error);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "max-workers=16|",
        "max-workers=256,pbs-entries-max=2097152|",
        "max-workers=0|format error\\nperformance.max-workers: value must have a minimum value of 1\\n",
        "max-workers=257|"
            + "format error\\nperformance.max-workers: value must have a maximum value of 256\\n",
        "16|value without key, but schema does not define a default key\\n",
      })
  void backupPerformance(String value, String error) {
    row(PropertyStrings.backupPerformance("performance"), value, error);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "/dev/dri/renderD128|",
        "/dev/net/tun,mode=0666,uid=0,gid=100|",
        "path=/dev/null,mode=0660|",
        // the path is optional in the schema; update_pct_config checks it later
        "mode=0600|",
        "/etc/passwd|format error\\n"
            + "dev0.path: invalid format - /etc/passwd is not a valid device path\\n\\n",
        "/dev/null,mode=666|format error\\ndev0.mode: value does not match the regex pattern\\n",
        "/dev/null,uid=-1|format error\\ndev0.uid: value must have a minimum value of 0\\n",
        "/dev/null,/dev/zero|duplicate key in comma-separated list property: path\\n",
        // verify_lxc_dev_string is not anchored at the end: the newline stays in the path
        "/dev/null\\n|",
      })
  void lxcDevices(String value, String error) {
    row(PropertyStrings.device("dev0"), value, error);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "local-zfs:vm-100-disk-1|",
        "volume=local-zfs:vm-100-disk-1|",
        "\"\"|format error\\nunused0.volume: property is missing and it is not optional\\n",
        "disk-1|format error\\nunused0.volume: invalid format - unable to parse volume ID"
            + " 'disk-1'\\n\\n",
      })
  void unusedVolumes(String value, String error) {
    row(PropertyStrings.unusedVolume("unused0"), value, error);
  }
}
