package io.cloudpods.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionInfoTest {

  @Test
  void atLeast_pve7DashVersion_readsMajorMinor() {
    VersionInfo v = new VersionInfo("7.4-16", "7.4", "0f39f621");

    assertThat(v.major()).isEqualTo(7);
    assertThat(v.minor()).isEqualTo(4);
    assertThat(v.atLeast(8, 1)).isFalse();
  }

  @Test
  void atLeast_pve8And9DottedVersions_compareByMajorThenMinor() {
    assertThat(new VersionInfo("8.0.4", "8.0", "x").atLeast(8, 1)).isFalse();
    assertThat(new VersionInfo("8.1.3", "8.1", "x").atLeast(8, 1)).isTrue();
    assertThat(new VersionInfo("9.2.11", "9.2", "x").atLeast(8, 1)).isTrue();
  }

  @Test
  void atLeast_releaseMissing_fallsBackToVersion() {
    assertThat(new VersionInfo("8.2.4", "", "x").atLeast(8, 2)).isTrue();
  }
}
