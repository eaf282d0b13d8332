package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.IpPoolSpec;
import java.util.Optional;

/** An IP pool's spec by name, defaults applied. {@link IpPoolStore} in production. */
public interface PoolSpecs {

  Optional<IpPoolSpec> spec(String name);
}
