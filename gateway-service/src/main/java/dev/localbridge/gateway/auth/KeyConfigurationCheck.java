package dev.localbridge.gateway.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;

import dev.localbridge.gateway.config.GatewayConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start a gateway whose token rules are incomplete ({@link TokenRules#read}: no key, no issuer, a provider
 * without an audience, a symmetric algorithm), with a message that says what to set, rather than answering every caller
 * 401 or, worse, accepting tokens that were meant for someone else.
 */
@ApplicationScoped
class KeyConfigurationCheck {

    void check(@Observes StartupEvent event, Config config, GatewayConfig gatewayConfig) {
        TokenRules.read(config, gatewayConfig.auth());
    }
}
