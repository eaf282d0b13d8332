package io.cloudpods.dashboard;

import io.cloudpods.testsupport.DebianTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's packages ({@code chromium}, {@code chromium-driver}), installed
 * by the test setup when missing ({@link DebianTools#installed}). Both paths are given to Selenium,
 * so it never looks for or downloads a browser or driver itself; the browser resolves no name but
 * loopback and turns off its own background traffic, so it talks to 127.0.0.1 only.
 */
final class Chromium {
  static final int DESKTOP_WIDTH = 1280;
  static final int DESKTOP_HEIGHT = 900;

  private Chromium() {}

  static ChromeDriver start() {
    Path driver = DebianTools.installed("chromedriver", "chromium", "chromium-driver");
    Path browser = DebianTools.installed("chromium", "chromium", "chromium-driver");
    Path profile;
    try {
      profile = Files.createTempDirectory("cloudpods-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions o = new ChromeOptions();
    o.setBinary(browser.toFile());
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=" + DESKTOP_WIDTH + "," + DESKTOP_HEIGHT,
        "--user-data-dir=" + profile,
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-domain-reliability",
        "--disable-sync",
        "--disable-client-side-phishing-detection",
        "--no-pings",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, o);
  }

  /** Shows pages as a phone of {@code width} CSS pixels would (viewport meta honoured). */
  static void phone(ChromeDriver d, int width, int height) {
    d.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
  }

  static void desktop(ChromeDriver d) {
    d.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
  }

  /**
   * Saves what the browser shows as {@code name}.png under target/screenshots and, when {@code
   * -Dcloudpods.screenshots=DIR} is given (docs/DASHBOARD.md), under DIR too.
   */
  static void screenshot(ChromeDriver d, String name) {
    byte[] png = d.getScreenshotAs(OutputType.BYTES);
    try {
      for (String dir :
          new String[] {"target/screenshots", System.getProperty("cloudpods.screenshots")}) {
        if (dir == null || dir.isBlank()) {
          continue;
        }
        Path out = Path.of(dir).resolve(name + ".png");
        Files.createDirectories(out.getParent());
        Files.write(out, png);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
