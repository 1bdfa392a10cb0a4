package dev.localbridge.session.nodes;

import dev.localbridge.session.api.Require;
import dev.localbridge.session.api.SessionFailure;
import dev.localbridge.session.leases.LeaseStore;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** The node registry: gateways register, heartbeat, and disappear when they stop heartbeating. */
@Path("/api/nodes")
@Tag(name = "nodes")
@RunOnVirtualThread
public class NodeResource {

    private final NodeRegistry nodes;
    private final LeaseStore leases;

    NodeResource(NodeRegistry nodes, LeaseStore leases) {
        this.nodes = nodes;
        this.leases = leases;
    }

    @POST
    @Operation(summary = "Register (or re-register) a gateway replica",
            description = "relayAddress and the optional managementAddress are host:port. Registering again without "
                    + "managementAddress clears the one registered before.")
    @APIResponse(responseCode = "200", description = "the node as registered")
    @APIResponse(responseCode = "400", description = "BAD_REQUEST: nodeId missing, or an address is not host:port")
    public NodeView register(RegisterNodeRequest request) {
        Require.body(request);
        return nodes.register(Require.nodeId(request.nodeId(), "nodeId"),
                Require.hostPort(request.relayAddress(), "relayAddress"),
                Require.optionalHostPort(request.managementAddress(), "managementAddress"));
    }

    @POST
    @Path("/{nodeId}/heartbeat")
    @Operation(summary = "Keep a node alive", description = "404 when the node is unknown or already gone: register again.")
    @APIResponse(responseCode = "200", description = "the node with its new expiry")
    @APIResponse(responseCode = "404", description = "NODE_NOT_FOUND")
    public NodeView heartbeat(@PathParam("nodeId") String nodeId) {
        return nodes.heartbeat(nodeId).orElseThrow(() -> SessionFailure.nodeNotFound(nodeId));
    }

    @GET
    @Operation(summary = "Live nodes", description = "Each with its relay address and, when it registered one, its "
            + "management address (health-service scrapes /q/health and /q/metrics there).")
    public List<NodeView> list() {
        return nodes.liveNodes();
    }

    @DELETE
    @Path("/{nodeId}")
    @Operation(summary = "Leave the cluster gracefully", description = "Releases every lease of the node, then removes it.")
    public DeregisteredNode deregister(@PathParam("nodeId") String nodeId) {
        int released = leases.releaseAllOf(nodeId);
        return new DeregisteredNode(nodeId, nodes.deregister(nodeId), released);
    }
}
