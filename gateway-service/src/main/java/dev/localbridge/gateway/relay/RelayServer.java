package dev.localbridge.gateway.relay;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.auth.BearerTokens;
import dev.localbridge.gateway.cluster.ClusterCredential;
import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.TunnelMetrics;
import dev.localbridge.gateway.ownership.Ownership;
import dev.localbridge.gateway.proxy.CallerAnswer;
import dev.localbridge.gateway.proxy.Misrouted;
import dev.localbridge.gateway.proxy.ProxyContexts;
import dev.localbridge.gateway.proxy.Relays;
import dev.localbridge.gateway.proxy.RequestBody;
import dev.localbridge.gateway.proxy.TunnelLeg;
import dev.localbridge.gateway.tunnel.LocalTunnels;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.HopByHop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The relay listener ({@code TUNNEL_RELAY_PORT}), an entry point like the public route: other replicas send here the
 * requests for tunnels this replica holds. Runs only when clustered. Before any body is read it checks the cluster
 * credential (which replica may call), the caller's own token and that its user is the one the call names (so that the
 * cluster credential alone reaches no tunnel; a token seen before costs one cache lookup), and that this replica still
 * holds the connection at the epoch the entry replica routed by — otherwise {@code 421 Misdirected}, and the entry
 * routes again. It then carries the request with a {@link TunnelLeg} exactly as for a local caller. The outcome is
 * counted by the entry replica, the one the caller sees; this one counts what it served.
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
        // HTTP/1.1 only, as replicas speak it: an h2c upgrade would only give a second, untested way in.
        server = vertx.createHttpServer(tls.relayServer(new HttpServerOptions()
                        .setHttp2ClearTextEnabled(false)
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
        CallerAnswer answer = new CallerAnswer(request, requestId, proxy.context().proxied()::decorate);
        if (!credential.verify(request)) {
            LOG.warnf("relay %s: call without the cluster credential from %s", requestId, request.remoteAddress());
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
            answer.fail(new TunnelFailure(ErrorCode.AUTH_TOKEN_INVALID, "Relay calls need the cluster credential"));
            return;
        }
        String userId = request.getHeader(Relays.USER_HEADER);
        String finalRequestId = requestId;
        proxy.context().verifier().verify(BearerTokens.fromAuthorization(request))
                .compose(token -> token.userId().equals(userId) ? Future.succeededFuture()
                        : Future.failedFuture(new TunnelFailure(ErrorCode.TUNNEL_ACCESS_DENIED,
                                "This token may not use another user's tunnel")))
                .onComplete(authorized -> {
                    if (authorized.failed()) {
                        answer.fail(authorized.cause() instanceof TunnelFailure f ? f : new TunnelFailure(
                                ErrorCode.AUTH_TOKEN_INVALID, "The bearer token could not be verified"));
                    } else {
                        serve(request, answer, userId, finalRequestId);
                    }
                });
    }

    /** Carries an authorized relay call into the tunnel it names, if this replica holds it at that epoch. */
    private void serve(HttpServerRequest request, CallerAnswer answer, String userId, String requestId) {
        TunnelConnection tunnel = tunnels.byId(String.valueOf(request.getHeader(Relays.CONNECTION_HEADER)));
        long epoch = parseEpoch(request.getHeader(Relays.EPOCH_HEADER));
        if (tunnel == null || !tunnel.acceptsStreams() || tunnel.epoch() != epoch || !tunnel.userId().equals(userId)) {
            LOG.debugf("relay %s: connection not held here at epoch %d", requestId, epoch);
            metrics.misdirected();
            answer.fail(misdirected());
            return;
        }
        metrics.requestStarted();
        answer.outcome().onSuccess(outcome -> {
            metrics.requestEnded();
            metrics.relayServed(outcome);
        });
        List<Header> headers = HopByHop.strip(request.headers(), NOT_FORWARDED);
        RequestBody.read(request)
                .compose(body -> new TunnelLeg(proxy.context(), answer, request, tunnel, request.uri(), headers, body)
                        .carry())
                .onFailure(e -> answer.fail(e instanceof Misrouted ? misdirected()
                        : e instanceof TunnelFailure f ? f
                        : new TunnelFailure(ErrorCode.TUNNEL_CLOSED, "The request could not be carried")));
    }

    private static long parseEpoch(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * 421: the entry replica routes again. Also for a stream the agent refused (it is moving to a new tunnel) before
     * anything was consumed, so that the entry picks the agent's new connection.
     */
    private static TunnelFailure misdirected() {
        return new TunnelFailure(ErrorCode.MISDIRECTED, "This replica does not hold that tunnel connection at that epoch");
    }
}
