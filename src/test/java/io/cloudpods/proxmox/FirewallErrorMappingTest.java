package io.cloudpods.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The firewall API's error texts, classified like the other calls' (pve-firewall IPSet.pm). */
class FirewallErrorMappingTest {

  private static final String SET = "/nodes/pve/lxc/9001/firewall/ipset/ipfilter-net0";

  @Test
  void duplicateAddress_400OnCidr_isAlreadyExists() {
    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp(
            "POST",
            SET,
            400,
            "Parameter verification failed.",
            "{\"errors\":{\"cidr\":\"address '10.1.10.50' already exists\\n\"},\"data\":null}");
    assertThat(e).isInstanceOf(ProxmoxAlreadyExistsException.class);
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void duplicateSet_400OnName_isAlreadyExists() {
    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp(
            "POST",
            "/nodes/pve/lxc/9001/firewall/ipset",
            400,
            "Parameter verification failed.",
            "{\"errors\":{\"name\":\"IPSet 'ipfilter-net0' already exists\\n\"},\"data\":null}");
    assertThat(e).isInstanceOf(ProxmoxAlreadyExistsException.class);
  }

  @Test
  void missingSet_500_isNotFound() {
    assertThat(
            ProxmoxErrorMapper.fromHttp(
                "GET", SET, 500, "no such IPSet 'ipfilter-net0'", "{\"data\":null}"))
        .isInstanceOf(ProxmoxNotFoundException.class);
  }

  @Test
  void missingEntry_400OnCidr_isNotFound() {
    assertThat(
            ProxmoxErrorMapper.fromHttp(
                "GET",
                SET + "/10.1.10.9",
                400,
                "Parameter verification failed.",
                "{\"errors\":{\"cidr\":\"no such IP/Network\\n\"},\"data\":null}"))
        .isInstanceOf(ProxmoxNotFoundException.class);
  }

  @Test
  void deletingNonEmptySet_500_isRejected() {
    assertThat(
            ProxmoxErrorMapper.fromHttp(
                "DELETE", SET, 500, "IPSet 'ipfilter-net0' is not empty", "{\"data\":null}"))
        .isInstanceOf(ProxmoxRejectedException.class);
  }

  @Test
  void badCidrFormat_400_staysAParameterError() {
    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp(
            "POST",
            SET,
            400,
            "Parameter verification failed.",
            "{\"errors\":{\"cidr\":\"invalid format - value does not look like a valid IP address or CIDR network\\n\"},\"data\":null}");
    assertThat(e)
        .isInstanceOfSatisfying(
            ProxmoxParameterException.class, p -> assertThat(p.errors()).containsKey("cidr"));
  }
}
