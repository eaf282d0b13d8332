/**
 * The web dashboard at {@code /}: server-side Qute pages over the stores (read-only), htmx from
 * WebJars, live updates over the event stream, signed in with an API token kept in a session cookie
 * ({@link io.cloudpods.auth.SessionCookie}). docs/DASHBOARD.md describes the pages.
 */
package io.cloudpods.dashboard;
