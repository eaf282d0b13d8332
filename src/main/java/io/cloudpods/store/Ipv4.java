package io.cloudpods.store;

/** IPv4 dotted-quad arithmetic for pools. */
public final class Ipv4 {
  private Ipv4() {}

  /** Parses a strict dotted quad ({@code 10.1.10.50}) into an unsigned value. */
  public static long parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no address");
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + text);
    }
    long v = 0;
    for (String p : parts) {
      if (p.isEmpty()
          || p.length() > 3
          || !p.chars().allMatch(Character::isDigit)
          || (p.length() > 1 && p.charAt(0) == '0')) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      int octet = Integer.parseInt(p);
      if (octet > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      v = (v << 8) | octet;
    }
    return v;
  }

  public static String format(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }

  /** True if {@code address} lies inside {@code cidr} ({@code 10.1.10.0/24}). */
  public static boolean inCidr(String address, String cidr) {
    String[] parts = cidr.split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    int bits = Integer.parseInt(parts[1]);
    if (bits < 0 || bits > 32) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    return (parse(address) & mask) == (parse(parts[0]) & mask);
  }
}
