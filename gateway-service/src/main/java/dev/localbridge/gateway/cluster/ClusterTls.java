package dev.localbridge.gateway.cluster;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.localbridge.gateway.config.GatewayConfig;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;

/**
 * TLS of the cluster hops, from Quarkus' TLS registry ({@code quarkus.tls.<name>.*}): the client towards
 * session-service ({@code TUNNEL_SESSION_TLS_CONFIGURATION_NAME}) and both ends of the relay
 * ({@code TUNNEL_RELAY_TLS_CONFIGURATION_NAME}). A configuration that is named but not defined stops the start, so a
 * typo never falls back to plain HTTP or to the JVM's trust store.
 */
@ApplicationScoped
public class ClusterTls {

    private final TlsConfigurationRegistry registry;
    private final Optional<String> relayName;
    private final Optional<String> sessionName;

    ClusterTls(GatewayConfig config, TlsConfigurationRegistry registry) {
        this.registry = registry;
        this.relayName = config.relayTlsConfigurationName().filter(s -> !s.isBlank());
        this.sessionName = config.sessionTlsConfigurationName().filter(s -> !s.isBlank());
    }

    /** Whether the relay runs over TLS. */
    public boolean relayTls() {
        return relayName.isPresent();
    }

    /** Makes the relay listener serve TLS only (mutual TLS when the configuration has a trust store), if configured. */
    public HttpServerOptions relayServer(HttpServerOptions options) {
        relayName.map(name -> named(name, "TUNNEL_RELAY_TLS_CONFIGURATION_NAME")).ifPresent(tls -> {
            if (tls.getKeyStoreOptions() == null) {
                throw new IllegalStateException("quarkus.tls." + tls.getName() + " has no key store: the relay "
                        + "listener needs one to serve TLS (TUNNEL_RELAY_TLS_CONFIGURATION_NAME)");
            }
            options.setSsl(true).setKeyCertOptions(tls.getKeyStoreOptions());
            if (tls.getTrustStoreOptions() != null) {
                options.setTrustOptions(tls.getTrustStoreOptions()).setClientAuth(ClientAuth.REQUIRED);
            }
        });
        return options;
    }

    /** Makes the relay client dial TLS, trusting and presenting the relay configuration's stores, if configured. */
    public HttpClientOptions relayClient(HttpClientOptions options) {
        relayName.map(name -> named(name, "TUNNEL_RELAY_TLS_CONFIGURATION_NAME"))
                .ifPresent(tls -> client(options.setSsl(true), tls));
        return options;
    }

    /** Applies the session TLS configuration (named, else the default one, if any) to an https client. */
    public HttpClientOptions sessionClient(HttpClientOptions options) {
        Optional<TlsConfiguration> tls = sessionName.isPresent()
                ? Optional.of(named(sessionName.get(), "TUNNEL_SESSION_TLS_CONFIGURATION_NAME"))
                : registry.getDefault();
        tls.ifPresent(t -> client(options, t));
        return options;
    }

    private TlsConfiguration named(String name, String setting) {
        return registry.get(name).orElseThrow(() -> new IllegalStateException(setting + "=" + name
                + " but no quarkus.tls." + name + ".* configuration is defined"));
    }

    private static void client(HttpClientOptions options, TlsConfiguration tls) {
        if (tls.getTrustStoreOptions() != null) {
            options.setTrustOptions(tls.getTrustStoreOptions());
        }
        if (tls.getKeyStoreOptions() != null) {
            options.setKeyCertOptions(tls.getKeyStoreOptions());
        }
        options.setTrustAll(tls.isTrustAll());
        String verification = tls.getHostnameVerificationAlgorithm().orElse("HTTPS");
        options.setVerifyHost(!"NONE".equalsIgnoreCase(verification));
    }
}
