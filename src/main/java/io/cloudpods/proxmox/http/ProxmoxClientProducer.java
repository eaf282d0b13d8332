package io.cloudpods.proxmox.http;

import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxConfig;
import io.cloudpods.proxmox.ProxmoxRequestObserver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/**
 * CDI wiring: one {@link HttpProxmoxClient} per application, built from {@link ProxmoxConfig} on
 * first use (so the application starts without Proxmox settings; a bad or missing setting fails the
 * first injection with a message naming the property).
 */
@ApplicationScoped
public class ProxmoxClientProducer {

  /** Told of every request (the metrics); absent when the producer is used outside CDI. */
  @Inject Instance<ProxmoxRequestObserver> observers;

  @Produces
  @ApplicationScoped
  ProxmoxClient proxmoxClient(ProxmoxConfig config) {
    Instance<ProxmoxRequestObserver> o = observers;
    return new HttpProxmoxClient(
        ProxmoxClientSettings.from(config),
        o != null && o.isResolvable() ? o.get() : ProxmoxRequestObserver.NONE);
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
