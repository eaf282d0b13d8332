package io.cloudpods.proxmox;

/**
 * Told of every request the Proxmox client makes, for metrics. {@code route} is the API path with
 * every variable part replaced by its parameter name ({@code /nodes/{node}/lxc/{vmid}/config}), so
 * its values are bounded by the routes the client knows, never by the number of guests. {@code
 * outcome} is the HTTP status code, or {@code timeout} / {@code io} when no answer came.
 * Implementations must be cheap and must not throw.
 */
public interface ProxmoxRequestObserver {

  void observe(String method, String route, String outcome, long nanos);

  ProxmoxRequestObserver NONE = (method, route, outcome, nanos) -> {};
}
