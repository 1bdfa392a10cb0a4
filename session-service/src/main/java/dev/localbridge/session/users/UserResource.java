package dev.localbridge.session.users;

import dev.localbridge.session.api.Require;
import dev.localbridge.session.metrics.SessionMetrics;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Ending a user's access: the revocation not-before (an operator, through health-service) and closing the user's
 * tunnels (the user, through a gateway). Both reach every gateway through the change feed.
 */
@Path("/api/users/{userId}")
@Tag(name = "users")
@RunOnVirtualThread
public class UserResource {

    private final UserStore users;
    private final SessionMetrics metrics;

    UserResource(UserStore users, SessionMetrics metrics) {
        this.users = users;
        this.metrics = metrics;
    }

    @PUT
    @Path("/revocation")
    @Operation(summary = "Revoke a user's access issued until now",
            description = "Sets the user's not-before to now (never earlier than before) and announces user-revoked: "
                    + "every gateway closes the user's tunnels and refuses tokens issued and keys created before it.")
    @APIResponse(responseCode = "200", description = "{userId, notBefore}")
    public Revocation revoke(@PathParam("userId") String userId) {
        Revocation revocation = users.revoke(Require.userId(userId));
        metrics.revocation();
        Log.infof("user %s revoked: tokens issued and keys created before %d are refused", userId,
                revocation.notBefore());
        return revocation;
    }

    @POST
    @Path("/tunnels/close")
    @Operation(summary = "Close a user's tunnels on every replica",
            description = "Announces tunnels-closed; nothing is stored, the user may open tunnels again.")
    @APIResponse(responseCode = "202", description = "{userId, at}")
    public Response closeTunnels(@PathParam("userId") String userId) {
        long at = users.closeTunnels(Require.userId(userId));
        Log.infof("user %s: closing their tunnels on every replica", userId);
        return Response.accepted(new TunnelsClosed(userId, at)).build();
    }
}
