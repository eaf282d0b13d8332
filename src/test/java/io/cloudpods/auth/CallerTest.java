package io.cloudpods.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallerTest {

  private final Caller tenant = new Caller("t", Role.tenant, "acme");
  private final Caller readonly = new Caller("r", Role.readonly, null);
  private final Caller admin = new Caller("a", Role.admin, null);

  @Test
  void tenantRole_readsOwnTenantObjectsAndAllPools() {
    assertThat(tenant.canRead(Kind.CloudPod, "acme")).isTrue();
    assertThat(tenant.canRead(Kind.PodSet, "acme")).isTrue();
    assertThat(tenant.canRead(Kind.Tenant, "acme")).isTrue();
    assertThat(tenant.canRead(Kind.IpPool, null)).isTrue();
    assertThat(tenant.canRead(Kind.CloudPod, "other")).isFalse();
    assertThat(tenant.canRead(Kind.Tenant, "other")).isFalse();
    assertThat(tenant.tenantFilter()).isEqualTo("acme");
  }

  @Test
  void tenantRole_writesOnlyPodsAndPodSetsOfItsTenant() {
    assertThat(tenant.canWrite(Kind.CloudPod, "acme")).isTrue();
    assertThat(tenant.canWrite(Kind.PodSet, "acme")).isTrue();
    assertThat(tenant.canWrite(Kind.CloudPod, "other")).isFalse();
    assertThat(tenant.canWrite(Kind.Tenant, null)).isFalse();
    assertThat(tenant.canWrite(Kind.IpPool, null)).isFalse();
  }

  @Test
  void readonlyRole_readsAllWritesNothing() {
    for (Kind k : Kind.values()) {
      assertThat(readonly.canRead(k, "any")).isTrue();
      assertThat(readonly.canWrite(k, "any")).isFalse();
    }
    assertThat(readonly.tenantFilter()).isNull();
  }

  @Test
  void adminRole_mayDoEverything() {
    for (Kind k : Kind.values()) {
      assertThat(admin.canRead(k, "any")).isTrue();
      assertThat(admin.canWrite(k, "any")).isTrue();
    }
  }

  record Config(boolean enabled, Optional<String> bootstrapToken, String bootstrapTokenName)
      implements AuthConfig {
    @Override
    public java.time.Duration cacheTtl() {
      return java.time.Duration.ofSeconds(5);
    }

    @Override
    public java.time.Duration lastUsedInterval() {
      return java.time.Duration.ofMinutes(1);
    }
  }

  @Test
  void authenticator_whenDisabled_treatsEveryRequestAsAdmin() {
    Authenticator off = new Authenticator(new Config(false, Optional.empty(), "x"), null);
    assertThat(off.resolve(null)).contains(Caller.ANONYMOUS_ADMIN);
  }

  @Test
  void authenticator_whenEnabled_refusesMissingOrNonBearerHeaders() {
    Authenticator on = new Authenticator(new Config(true, Optional.empty(), "x"), null);
    assertThat(on.resolve(null)).isEmpty();
    assertThat(on.resolve("Basic dXNlcjpwYXNz")).isEmpty();
    assertThat(on.resolve("Bearer ")).isEmpty();
  }

  @Test
  void sha256_isHexOfTheToken() {
    assertThat(TokenStore.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
