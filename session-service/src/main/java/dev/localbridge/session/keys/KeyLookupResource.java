package dev.localbridge.session.keys;

import dev.localbridge.session.api.SessionFailure;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What gateways need to accept keys: the key behind a presented key's hash (once, then cached until a
 * {@code key-revoked} event), and the batched report of when keys were used.
 */
@Path("/api/keys")
@Tag(name = "keys")
@RunOnVirtualThread
public class KeyLookupResource {

    private final KeyStore keys;

    KeyLookupResource(KeyStore keys) {
        this.keys = keys;
    }

    @GET
    @Path("/by-hash/{keyHash}")
    @Operation(summary = "The live key with this hash")
    @APIResponse(responseCode = "200", description = "KeyRecord")
    @APIResponse(responseCode = "404", description = "KEY_NOT_FOUND: unknown, revoked or expired")
    public KeyRecord byHash(@PathParam("keyHash") String keyHash) {
        return keys.byHash(KeyRules.keyHash(keyHash))
                .orElseThrow(() -> new SessionFailure(404, "KEY_NOT_FOUND", "no live access key with this hash"));
    }

    @POST
    @Path("/usage")
    @Operation(summary = "Report when keys were last used", description = "lastUsedAt = max(stored, at) per key.")
    @APIResponse(responseCode = "204", description = "recorded (unknown keys are skipped)")
    public Response usage(KeyUsage usage) {
        keys.recordUse(KeyRules.uses(usage));
        return Response.noContent().build();
    }
}
