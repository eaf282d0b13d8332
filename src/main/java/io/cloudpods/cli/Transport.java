package io.cloudpods.cli;

import okhttp3.HttpUrl;

/**
 * The CLI's rule for sending a token: over {@code https://} to anyone, over plain {@code http://}
 * only to this machine (loopback), unless {@code --insecure} says the user accepts that the token
 * crosses the network readable.
 */
final class Transport {
  private Transport() {}

  static void check(String server, boolean haveToken, boolean insecure) {
    HttpUrl url = HttpUrl.parse(server);
    if (url == null || !haveToken || insecure || url.isHttps() || loopback(url.host())) {
      return;
    }
    throw CliException.failure(
        "refusing to send the API token over plain HTTP to "
            + url.host()
            + " (use https://, or --insecure to send it readable over the network)");
  }

  static boolean loopback(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
