package dev.localbridge.gateway.ownership;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dev.localbridge.gateway.config.GatewayConfig;

/** Standalone unless {@code TUNNEL_SESSION_URL} is set. */
class OwnershipProducer {

    @Produces
    @ApplicationScoped
    Ownership ownership(GatewayConfig config) {
        // The clustered implementation (session-service client) plugs in here.
        return new StandaloneOwnership();
    }
}
