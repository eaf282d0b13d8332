package io.cloudpods.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpidTest {

  @Test
  void parse_rootUserClone_exposesAllFields() {
    Upid u = Upid.parse("UPID:pve2:003E968C:016E6414:63AD7D74:vzclone:999:root@pam:");

    assertThat(u.node()).isEqualTo("pve2");
    assertThat(u.pid()).isEqualTo(4101772L);
    assertThat(u.pstart()).isEqualTo(24011796L);
    assertThat(u.startTime()).isEqualTo(1672314228L);
    assertThat(u.type()).isEqualTo("vzclone");
    assertThat(u.id()).isEqualTo("999");
    assertThat(u.user()).isEqualTo("root@pam");
    assertThat(u.tokenName()).isEmpty();
  }

  @Test
  void parse_tokenUser_splitsUserAndToken() {
    Upid u = Upid.parse("UPID:proxmox2:000D7AA2:08D5A17C:63DF62A5:vzclone:200:root@pam!api_token:");

    assertThat(u.user()).isEqualTo("root@pam!api_token");
    assertThat(u.userWithoutToken()).isEqualTo("root@pam");
    assertThat(u.tokenName()).contains("api_token");
  }

  @Test
  void parse_nineHexPstartAndEmptyId_accepted() {
    Upid u = Upid.parse("UPID:pve:0000377E:119E15146:5F3C0469:vzdump::ctl@pve!ctl:");

    assertThat(u.pstart()).isEqualTo(0x119E15146L);
    assertThat(u.id()).isEmpty();
  }

  @Test
  void toString_roundTripsOriginalText() {
    String text = "UPID:host01:0000377E:19e15146:5F3C0469:vzshutdown:100:root@pam:";

    assertThat(Upid.parse(text).toString()).isEqualTo(text);
    assertThat(Upid.parse(Upid.parse(text).toString())).isEqualTo(Upid.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "UPID:pve:003E968C:016E6414:63AD7D74:vzclone:999:root@pam",
        "UPID:pve:003E968:016E6414:63AD7D74:vzclone:999:root@pam:",
        "UPID:pve:003E968C:016E641:63AD7D74:vzclone:999:root@pam:",
        "UPID:pve:003E968C:016E6414AB:63AD7D74:vzclone:999:root@pam:",
        "UPID:pve:003E968C:016E6414:63AD7D74::999:root@pam:",
        "UPID:pve:003E968C:016E6414:63AD7D74:vzclone:999::",
        "UPID:-pve:003E968C:016E6414:63AD7D74:vzclone:999:root@pam:",
        "UPID:pve:003E968C:016E6414:63AD7D74:vz clone:999:root@pam:",
        "OK",
        " UPID:pve:003E968C:016E6414:63AD7D74:vzclone:999:root@pam:"
      })
  void parse_malformed_rejected(String text) {
    assertThatThrownBy(() -> Upid.parse(text)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Upid.isUpid(text)).isFalse();
  }
}
