package dev.localbridge.session.keys;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.api.Require;
import dev.localbridge.session.api.SessionFailure;
import dev.localbridge.session.metrics.SessionMetrics;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A user's access keys, managed by the gateway on the user's behalf (the user signed in with their JWT there). */
@Path("/api/users/{userId}/keys")
@Tag(name = "keys")
@RunOnVirtualThread
public class UserKeysResource {

    private final KeyStore keys;
    private final SessionMetrics metrics;
    private final int maxKeys;

    UserKeysResource(KeyStore keys, SessionMetrics metrics, SessionConfig config) {
        this.keys = keys;
        this.metrics = metrics;
        this.maxKeys = config.maxKeysPerUser();
    }

    @POST
    @Operation(summary = "Store a new access key by its hash",
            description = "Atomic with the per-user name uniqueness and TUNNEL_MAX_KEYS_PER_USER.")
    @APIResponse(responseCode = "201", description = "KeyRecord (never the hash)")
    @APIResponse(responseCode = "400", description = "BAD_REQUEST: a field breaks its rule")
    @APIResponse(responseCode = "409", description = "KEY_NAME_TAKEN, TOO_MANY_KEYS or KEY_HASH_TAKEN")
    public Response create(@PathParam("userId") String userId, CreateKeyRequest request) {
        NewKey key = KeyRules.newKey(request);
        KeyRecord created = keys.create(Require.userId(userId), key, maxKeys);
        metrics.keyCreated();
        Log.infof("access key created: user %s, key %s, name %s", userId, created.id(), created.name());
        return Response.status(201).entity(created).build();
    }

    @GET
    @Operation(summary = "The user's live access keys, oldest first")
    public KeyList list(@PathParam("userId") String userId) {
        return new KeyList(keys.list(Require.userId(userId)));
    }

    @DELETE
    @Path("/{keyId}")
    @Operation(summary = "Revoke one of the user's access keys", description = "Announces key-revoked.")
    @APIResponse(responseCode = "204", description = "revoked")
    @APIResponse(responseCode = "404", description = "KEY_NOT_FOUND: the user has no such live key")
    public void revoke(@PathParam("userId") String userId, @PathParam("keyId") String keyId) {
        Require.userId(userId);
        if (!KeyIds.wellFormed(keyId)) {
            throw SessionFailure.keyNotFound(keyId);
        }
        KeyRecord revoked = keys.revoke(userId, keyId).orElseThrow(() -> SessionFailure.keyNotFound(keyId));
        metrics.keyRevoked();
        Log.infof("access key revoked: user %s, key %s, name %s", userId, revoked.id(), revoked.name());
    }
}
