/**
 * Coming from the seed scripts: readers for {@code /etc/migra/ipam-cloudpods.txt} and {@code
 * /var/log/migra-cloudpods.log} (streamed, with the quirks the scripts leave), and the pure import
 * planner that decides, per container of the cluster, whether it is adopted as a CloudPod, skipped
 * or a conflict. No I/O beyond the streams it is given; the REST route and the CLI wire it.
 */
package io.cloudpods.imports;
