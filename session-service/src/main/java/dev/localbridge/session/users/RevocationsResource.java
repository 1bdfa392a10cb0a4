package dev.localbridge.session.users;

import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Every user's not-before, for a gateway that has just (re)subscribed to the change feed and may have missed events. */
@Path("/api/revocations")
@Tag(name = "users")
@RunOnVirtualThread
public class RevocationsResource {

    private final UserStore users;

    RevocationsResource(UserStore users) {
        this.users = users;
    }

    @GET
    @Operation(summary = "Every user's not-before",
            description = "A gateway loads it whenever its change feed (re)subscribes.")
    public Revocations revocations() {
        return new Revocations(users.revocations());
    }
}
