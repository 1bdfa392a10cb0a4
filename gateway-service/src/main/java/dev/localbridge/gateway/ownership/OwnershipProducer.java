package dev.localbridge.gateway.ownership;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.config.NodeIdentity;
import dev.localbridge.gateway.tunnel.LocalTunnels;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Standalone unless {@code TUNNEL_SESSION_URL} is set; clustered, the node registers at startup and deregisters
 * (releasing its leases) at shutdown.
 */
@Singleton
class OwnershipProducer {

    private static final Logger LOG = Logger.getLogger(OwnershipProducer.class);
    private static final long DEREGISTER_WAIT_MS = 1000;

    private volatile SessionOwnership clustered;

    @Produces
    @Singleton
    Ownership ownership(GatewayConfig config, NodeIdentity node, Instance<SessionClient> clients,
            LocalTunnels tunnels, Vertx vertx, ObjectMapper json) {
        if (config.sessionUrl().filter(url -> !url.isBlank()).isEmpty()) {
            return new StandaloneOwnership();
        }
        SessionClient session = clients.get();
        RouteCache routes = new RouteCache(session, node.nodeId(), config.routeCacheTtl());
        SessionOwnership ownership = new SessionOwnership(
                new LeaseKeeper(session, tunnels, vertx, node.nodeId(), AdvertisedAddress.relay(config),
                        AdvertisedAddress.management(config),
                        config.leaseRenewInterval()),
                routes, new ChangeFeedSubscriber(session, routes, json, vertx), new MemoryStoreGuard(session),
                vertx, config.leaseRenewInterval());
        ownership.start();
        clustered = ownership;
        return ownership;
    }

    /** Registers the node at startup rather than at the first tunnel. */
    void onStart(@Observes StartupEvent event, Ownership ownership) {
        LOG.debugf("ownership: %s", ownership.clustered() ? "clustered" : "standalone");
    }

    void onStop(@Observes ShutdownEvent event) {
        SessionOwnership ownership = clustered;
        if (ownership == null) {
            return;
        }
        try {
            ownership.stop().toCompletionStage().toCompletableFuture().get(DEREGISTER_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.infof("node not deregistered (%s): its leases expire", e.getMessage());
        }
    }
}
