package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An IPv4 range inside {@code cidr}; {@code rangeStart..rangeEnd} minus {@code reserved} and the
 * gateway is handed out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IpPoolSpec(
    String cidr,
    String gateway,
    String rangeStart,
    String rangeEnd,
    String bridge,
    List<String> nameservers,
    List<String> reserved) {}
