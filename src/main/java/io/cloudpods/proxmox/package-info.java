/**
 * Access to Proxmox VE, in our own terms.
 *
 * <p>{@link io.cloudpods.proxmox.ProxmoxClient} is the only way the rest of the application talks
 * to Proxmox. The HTTP implementation lives in {@code io.cloudpods.proxmox.http}.
 *
 * <p>Every failure is a {@link io.cloudpods.proxmox.ProxmoxException}; {@code isRetryable()} tells
 * the caller whether backing off and trying again can help:
 *
 * <table>
 *   <caption>Failure classes</caption>
 *   <tr><th>exception</th><th>typical cause</th><th>retryable</th></tr>
 *   <tr><td>ProxmoxNotFoundException</td><td>missing CT config, pool, snapshot, task</td><td>no</td></tr>
 *   <tr><td>ProxmoxAlreadyExistsException</td><td>vmid taken (also the create race loser), pool exists</td><td>no</td></tr>
 *   <tr><td>ProxmoxConflictException</td><td>guest belongs to another pool</td><td>no</td></tr>
 *   <tr><td>ProxmoxDigestConflictException</td><td>config changed since it was read</td><td>yes</td></tr>
 *   <tr><td>ProxmoxLockedException</td><td>{@code CT is locked (disk)}; exposes the lock</td><td>yes</td></tr>
 *   <tr><td>ProxmoxLockTimeoutException</td><td>config flock or storage lock timed out</td><td>yes</td></tr>
 *   <tr><td>ProxmoxPowerStateException</td><td>already running / not running / destroy while running</td><td>no</td></tr>
 *   <tr><td>ProxmoxParameterException</td><td>HTTP 400, per-parameter {@code errors()}</td><td>no</td></tr>
 *   <tr><td>ProxmoxRejectedException</td><td>template rules, protection, linked clone unsupported</td><td>no</td></tr>
 *   <tr><td>ProxmoxAuthException</td><td>HTTP 401, any reason</td><td>no</td></tr>
 *   <tr><td>ProxmoxPermissionException</td><td>HTTP 403 permission check</td><td>no</td></tr>
 *   <tr><td>ProxmoxNotImplementedException</td><td>HTTP 501 (endpoint absent on this version)</td><td>no</td></tr>
 *   <tr><td>ProxmoxTlsException</td><td>untrusted certificate, pin mismatch</td><td>no</td></tr>
 *   <tr><td>ProxmoxProtocolException</td><td>answer the client cannot read</td><td>no</td></tr>
 *   <tr><td>ProxmoxUnavailableException</td><td>timeouts, refused/reset/dropped connections, 5xx, 59x, no worker</td><td>yes</td></tr>
 *   <tr><td>ProxmoxServerException</td><td>HTTP 500 with an unrecognised text</td><td>yes</td></tr>
 *   <tr><td>ProxmoxTaskFailedException</td><td>failed task with an unrecognised exit status</td><td>yes</td></tr>
 * </table>
 *
 * <p>Only {@link io.cloudpods.proxmox.ProxmoxErrorMapper} looks at Proxmox message texts.
 */
package io.cloudpods.proxmox;
