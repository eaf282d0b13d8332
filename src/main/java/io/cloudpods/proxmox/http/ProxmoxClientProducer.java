package io.cloudpods.proxmox.http;

import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/**
 * CDI wiring: one {@link HttpProxmoxClient} per application, built from {@link ProxmoxConfig} on
 * first use (so the application starts without Proxmox settings; a bad or missing setting fails the
 * first injection with a message naming the property).
 */
@ApplicationScoped
public class ProxmoxClientProducer {

  @Produces
  @ApplicationScoped
  ProxmoxClient proxmoxClient(ProxmoxConfig config) {
    return new HttpProxmoxClient(ProxmoxClientSettings.from(config));
  }

  void close(@Disposes ProxmoxClient client) {
    if (client instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // closing releases sockets and threads only; nothing to report
      }
    }
  }
}
