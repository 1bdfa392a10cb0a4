package dev.localbridge.gateway.relay;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.cluster.ClusterCredential;
import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.Outcome;
import dev.localbridge.gateway.metrics.TunnelMetrics;
import dev.localbridge.gateway.ownership.Ownership;
import dev.localbridge.gateway.proxy.LegOwner;
import dev.localbridge.gateway.proxy.ProxyContexts;
import dev.localbridge.gateway.proxy.Refusals;
import dev.localbridge.gateway.proxy.Relays;
import dev.localbridge.gateway.proxy.TunnelLeg;
import dev.localbridge.gateway.tunnel.LocalTunnels;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.HopByHop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The relay listener ({@code TUNNEL_RELAY_PORT}): other replicas send here the requests for tunnels this replica
 * holds. Runs only when clustered. It checks the cluster credential, then that this replica still holds the connection
 * at the epoch the caller routed by — otherwise {@code 421 Misdirected}, before any body is read — and then carries
 * the request through the tunnel exactly as for a local caller. The request was authorized by the replica that
 * received it; the outcome is counted there, once.
 */
@ApplicationScoped
class RelayServer {

    private static final Logger LOG = Logger.getLogger(RelayServer.class);
    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "host", "expect",
            Relays.CONNECTION_HEADER.toLowerCase(), Relays.EPOCH_HEADER.toLowerCase(),
            Relays.USER_HEADER.toLowerCase(), ClusterCredential.HEADER.toLowerCase());

    private final GatewayConfig config;
    private final ClusterCredential credential;
    private final LocalTunnels tunnels;
    private final Ownership ownership;
    private final TunnelMetrics metrics;
    private final ProxyContexts proxy;
    private final Vertx vertx;
    private HttpServer server;

    RelayServer(GatewayConfig config, ClusterCredential credential, LocalTunnels tunnels, Ownership ownership,
            TunnelMetrics metrics, ProxyContexts proxy, Vertx vertx) {
        this.config = config;
        this.credential = credential;
        this.tunnels = tunnels;
        this.ownership = ownership;
        this.metrics = metrics;
        this.proxy = proxy;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (!ownership.clustered()) {
            return;
        }
        if (config.clusterSecret().isEmpty()) {
            throw new IllegalStateException("TUNNEL_CLUSTER_SECRET must be set when TUNNEL_SESSION_URL is: relay calls"
                    + " between replicas are authenticated with it");
        }
        var tls = io.quarkus.arc.Arc.container().instance(dev.localbridge.gateway.cluster.ClusterTls.class).get();
        server = vertx.createHttpServer(tls.relayServer(new HttpServerOptions()
                        .setHandle100ContinueAutomatically(false)
                        .setTcpNoDelay(true)
                        .setIdleTimeout(180)))
                .requestHandler(this::handle);
        server.listen(config.relayPort(), config.relayBindAddress()).toCompletionStage().toCompletableFuture().join();
        LOG.infof("relay listening on %s:%d%s", config.relayBindAddress(), server.actualPort(),
                tls.relayTls() ? " (TLS)" : "");
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
        }
    }

    private void handle(HttpServerRequest request) {
        request.pause();
        String requestId = request.getHeader("X-Request-Id");
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
        }
        if (!credential.verify(request)) {
            LOG.warnf("relay %s: call without the cluster credential from %s", requestId, request.remoteAddress());
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
            ErrorResponses.send(request.response(),
                    new TunnelFailure(ErrorCode.AUTH_TOKEN_INVALID, "Relay calls need the cluster credential"),
                    requestId);
            return;
        }
        TunnelConnection tunnel = tunnels.byId(String.valueOf(request.getHeader(Relays.CONNECTION_HEADER)));
        long epoch = parseEpoch(request.getHeader(Relays.EPOCH_HEADER));
        if (tunnel == null || !tunnel.acceptsStreams() || tunnel.epoch() != epoch
                || !tunnel.userId().equals(request.getHeader(Relays.USER_HEADER))) {
            metrics.misdirected();
            misdirected(request, requestId);
            return;
        }
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            request.response().writeContinue();
        }
        List<Header> headers = HopByHop.strip(request.headers(), NOT_FORWARDED);
        String finalRequestId = requestId;
        metrics.requestStarted();
        new TunnelLeg(proxy.context(), request, requestId, request.uri(), new LegOwner() {
            @Override
            public void headSent() {
            }

            @Override
            public void finished(Outcome outcome) {
                metrics.requestEnded();
                metrics.relayServed(outcome);
            }

            @Override
            public boolean reroute(String nodeId, String connectionId) {
                // The agent refused the stream (it is moving): let the entry replica route it again.
                if (request.response().headWritten()) {
                    return false;
                }
                metrics.requestEnded();
                metrics.relayServed(Outcome.of(ErrorCode.MISDIRECTED));
                misdirected(request, finalRequestId);
                return true;
            }
        }).start(tunnel, headers);
    }

    private static long parseEpoch(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** 421 with the envelope. A body announced with {@code Expect} was never invited, so the connection is closed. */
    private static void misdirected(HttpServerRequest request, String requestId) {
        TunnelFailure failure = new TunnelFailure(ErrorCode.MISDIRECTED,
                "This replica does not hold that tunnel connection at that epoch");
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
            ErrorResponses.send(request.response(), failure, requestId);
        } else {
            Refusals.refuse(request, failure, requestId, true);
        }
    }
}
