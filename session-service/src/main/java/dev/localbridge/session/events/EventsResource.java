package dev.localbridge.session.events;

import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The change feed gateways subscribe to (Server-Sent Events, one JSON {@link ChangeEvent} per event). */
@Path("/api/events")
@Tag(name = "events")
public class EventsResource {

    private final ChangeFeed feed;

    EventsResource(ChangeFeed feed) {
        this.feed = feed;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Subscribe to lease and node changes",
            description = "First event is 'subscribed'; 'ping' keeps idle streams alive. Delivery is at most once: "
                    + "after a reconnect, drop every cached route.")
    public Multi<ChangeEvent> events() {
        return feed.subscribe();
    }
}
