package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.auth.Caller;
import io.cloudpods.store.EventStore;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /api/v1/events}: recent events, oldest first. {@code ?watch=true} is served by {@link
 * EventStream} as Server-Sent Events before this resource is reached.
 */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {
  private final EventStore events;
  private final RequestSupport req;
  private final ApiConfig config;

  public EventsResource(EventStore events, RequestSupport req, ApiConfig config) {
    this.events = events;
    this.req = req;
    this.config = config;
  }

  @GET
  @Operation(
      summary = "Recent events",
      description =
          "Events with id > since (default: the latest `limit`), oldest first; optionally only those of one tenant,"
              + " kind and/or object name. With watch=true the answer is a text/event-stream that sends each event"
              + " after `since` (default: from now on) as `id: <id>`, `event: event`, `data: <event JSON>`.")
  public List<Event> list(
      @QueryParam("since") Long since,
      @QueryParam("limit") Integer limit,
      @QueryParam("tenant") String tenant,
      @QueryParam("kind") String kind,
      @QueryParam("name") String name,
      @QueryParam("watch") @DefaultValue("false") boolean watch) {
    Caller caller = req.caller();
    int n =
        limit == null
            ? config.eventsDefaultLimit()
            : Math.max(1, Math.min(limit, config.eventsMaxLimit()));
    return events.query(since == null ? -1 : since, n, effectiveTenant(caller, tenant), kind, name);
  }

  /** A tenant token always sees only its own tenant's events, whatever it asks for. */
  static String effectiveTenant(Caller caller, String requested) {
    String forced = caller.tenantFilter();
    if (forced != null && requested != null && !forced.equals(requested)) {
      throw ApiException.forbidden(
          "token '" + caller.tokenName() + "' may not read events of tenant " + requested);
    }
    return forced != null ? forced : requested;
  }
}
