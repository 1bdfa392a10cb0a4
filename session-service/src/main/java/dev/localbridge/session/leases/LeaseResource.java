package dev.localbridge.session.leases;

import dev.localbridge.session.api.Require;
import dev.localbridge.session.api.SessionFailure;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Tunnel leases: acquire (with the connection limit), batched renew, release, lookup for routing. */
@Path("/api/leases")
@Tag(name = "leases")
@RunOnVirtualThread
public class LeaseResource {

    private final LeaseStore leases;

    LeaseResource(LeaseStore leases) {
        this.leases = leases;
    }

    @POST
    @Operation(summary = "Acquire a lease for a connection",
            description = "Atomic with the cluster-wide per-user connection limit. Acquiring a connection id held by "
                    + "another node takes it over with a new epoch (lease-moved).")
    @APIResponse(responseCode = "200", description = "acquired, moved or renewed")
    @APIResponse(responseCode = "404", description = "NODE_NOT_FOUND: register the node first")
    @APIResponse(responseCode = "409", description = "LEASE_CONFLICT: the id belongs to another user")
    @APIResponse(responseCode = "429", description = "CONNECTION_LIMIT_EXCEEDED")
    public AcquiredLease acquire(AcquireLeaseRequest request) {
        Require.body(request);
        return leases.acquire(Require.text(request.userId(), "userId"),
                Require.text(request.connectionId(), "connectionId"), Require.text(request.nodeId(), "nodeId"));
    }

    @POST
    @Path("/renew")
    @Operation(summary = "Renew every lease of one node in one call",
            description = "Answers which connections were renewed, which are gone and which are fenced.")
    public RenewLeasesResponse renew(RenewLeasesRequest request) {
        Require.body(request);
        String nodeId = Require.text(request.nodeId(), "nodeId");
        List<LeaseRef> refs = request.leases() == null ? List.of() : request.leases();
        refs.forEach(ref -> Require.text(ref == null ? null : ref.connectionId(), "leases[].connectionId"));
        return leases.renew(nodeId, refs);
    }

    @DELETE
    @Path("/{connectionId}")
    @Operation(summary = "Release a lease when its connection closes",
            description = "Only the holding node (and epoch, when given) may release.")
    @APIResponse(responseCode = "204", description = "released")
    @APIResponse(responseCode = "404", description = "LEASE_NOT_FOUND: already expired or released")
    @APIResponse(responseCode = "409", description = "LEASE_FENCED: another node or a newer epoch holds it")
    public void release(@PathParam("connectionId") String connectionId, @QueryParam("nodeId") String nodeId,
            @QueryParam("epoch") long epoch) {
        switch (leases.release(connectionId, Require.text(nodeId, "nodeId"), epoch)) {
            case RELEASED -> { }
            case GONE -> throw SessionFailure.leaseNotFound(connectionId);
            case FENCED -> throw SessionFailure.leaseFenced(connectionId);
        }
    }

    @GET
    @Operation(summary = "The user's routable leases", description = "Live leases held by live nodes, with relay addresses.")
    public UserLeases lookup(@QueryParam("userId") String userId) {
        return new UserLeases(userId, leases.liveLeases(Require.text(userId, "userId")));
    }
}
