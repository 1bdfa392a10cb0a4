package dev.localbridge.gateway.tunnel;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.auth.BearerTokens;
import dev.localbridge.gateway.auth.TokenVerifier;
import dev.localbridge.gateway.auth.VerifiedToken;
import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.drain.Drain;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.TunnelMetrics;
import dev.localbridge.gateway.ownership.Ownership;
import dev.localbridge.gateway.web.UpgradeOrigins;
import dev.localbridge.protocol.CloseCode;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.TunnelProtocol;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The agent endpoint ({@code TUNNEL_WEBSOCKET_PATH}, default {@code /ws/tunnel}).
 *
 * <p>It is a plain Vert.x upgrade on the Quarkus router rather than a websockets-next {@code @WebSocket}, for two
 * reasons written down in docs/gateway.md: the path must be runtime configuration (websockets-next fixes it at build
 * time), and the multiplexer needs the socket's write-queue backpressure and raw binary frames.
 *
 * <p>The subprotocol, the token and the per-user limit are checked <em>before</em> the 101: a refused agent gets 400,
 * 401 or 429 with the JSON error envelope and never holds a socket. After the 101 the connection takes no request until
 * the agent has said hello ({@link TunnelConnection}).
 */
@ApplicationScoped
public class TunnelEndpoint implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(TunnelEndpoint.class);

    private final GatewayConfig config;
    private final TokenVerifier verifier;
    private final LocalTunnels tunnels;
    private final TunnelMetrics metrics;
    private final Vertx vertx;
    private final Ownership ownership;
    private final Drain drain;
    private final UpgradeOrigins origins;
    private final FrameCodec codec = new FrameCodec();
    private final TunnelConnection.Settings settings;

    TunnelEndpoint(GatewayConfig config, TokenVerifier verifier, LocalTunnels tunnels, TunnelMetrics metrics,
            Vertx vertx, Ownership ownership, Drain drain, UpgradeOrigins origins) {
        this.origins = origins;
        this.ownership = ownership;
        this.drain = drain;
        this.config = config;
        this.verifier = verifier;
        this.tunnels = tunnels;
        this.metrics = metrics;
        this.vertx = vertx;
        this.settings = new TunnelConnection.Settings(config.maxStreamsPerTunnel(), config.pingInterval(),
                config.helloTimeout(), config.streamAcceptTimeout());
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setWebSocketSubProtocols(List.of(TunnelProtocol.SUBPROTOCOL_V2, TunnelProtocol.BEARER_TOKEN_CARRIER));
        options.setMaxWebSocketFrameSize(codec.limits().maxMessageBytes());
        options.setMaxWebSocketMessageSize(codec.limits().maxMessageBytes());
    }

    void register(@Observes Router router) {
        metrics.gauges(tunnels::count, () -> tunnels.all().stream().mapToInt(TunnelConnection::streamsInFlight).sum());
        router.route(HttpMethod.GET, config.websocketPath()).order(-100).handler(this::upgrade);
    }

    private void upgrade(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String requestId = UUID.randomUUID().toString();
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            reject(request, requestId, new TunnelFailure(ErrorCode.INVALID_REQUEST,
                    "This endpoint takes a WebSocket upgrade from the LocalBridge agent"));
            return;
        }
        // Browsers apply no CORS to WebSockets: a page on another origin must not open a tunnel.
        TunnelFailure foreign = origins.refusal(request);
        if (foreign != null) {
            reject(request, requestId, foreign);
            return;
        }
        if (drain.draining()) {
            reject(request, requestId, new TunnelFailure(ErrorCode.GATEWAY_DRAINING,
                    "This gateway replica is shutting down; connect to another one",
                    java.util.Map.of("Retry-After", "1")));
            return;
        }
        if (!offersCurrentProtocol(request)) {
            reject(request, requestId, new TunnelFailure(ErrorCode.INVALID_REQUEST,
                    "This gateway speaks the tunnel protocol " + TunnelProtocol.SUBPROTOCOL_V2
                            + " only; update the LocalBridge agent"));
            return;
        }
        request.pause();
        verifier.verify(BearerTokens.fromUpgrade(request)).onComplete(verified -> {
            if (verified.failed()) {
                reject(request, requestId, asFailure(verified.cause()));
                return;
            }
            admit(request, requestId, verified.result());
        });
    }

    private void admit(HttpServerRequest request, String requestId, VerifiedToken token) {
        LocalTunnels.Reservation reservation = tunnels.reserve(token.userId(), config.maxConnectionsPerUser());
        if (reservation == null) {
            reject(request, requestId, new TunnelFailure(ErrorCode.TOO_MANY_CONNECTIONS,
                    "This user already has " + config.maxConnectionsPerUser() + " tunnel connections"));
            return;
        }
        String connectionId = UUID.randomUUID().toString();
        ownership.acquire(token.userId(), connectionId).onComplete(leased -> {
            if (leased.failed()) {
                tunnels.release(reservation);
                reject(request, requestId, asFailure(leased.cause()));
                return;
            }
            upgrade(request, requestId, token, reservation, connectionId, leased.result());
        });
    }

    private void upgrade(HttpServerRequest request, String requestId, VerifiedToken token,
            LocalTunnels.Reservation reservation, String connectionId, long epoch) {
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                tunnels.release(reservation);
                ownership.release(token.userId(), connectionId);
                LOG.debugf("upgrade %s failed: %s", requestId, upgraded.cause().getMessage());
                return;
            }
            TunnelConnection tunnel = new TunnelConnection(connectionId, token.userId(), upgraded.result(), codec,
                    events, settings, new TokenLifetime(token, config.tokenGrace(), verifier, metrics));
            tunnel.epoch(epoch);
            tunnels.activate(reservation, tunnel);
            tunnel.start(vertx);
            metrics.tunnelOpened();
            LOG.infof("tunnel %s opened: user=%s remote=%s", tunnel.id(), token.userId(),
                    request.remoteAddress());
        });
    }

    private final TunnelEvents events = new TunnelEvents() {
        @Override
        public void closed(TunnelConnection tunnel, int code, String reason) {
            tunnels.remove(tunnel);
            ownership.release(tunnel.userId(), tunnel.id());
            metrics.tunnelClosed(closeReason(code));
            LOG.infof("tunnel %s closed: user=%s code=%d reason=%s", tunnel.id(), tunnel.userId(), code,
                    reason == null ? "" : reason);
        }

        @Override
        public void protocolError(TunnelConnection tunnel) {
            metrics.protocolError();
        }
    };

    private static String closeReason(int code) {
        CloseCode known = CloseCode.fromCode(code);
        return known == null ? "code_" + code : known.label();
    }

    /**
     * Whether the client offered the current subprotocol. A version 1 agent never says hello, so it could never be
     * routed to; refusing it before the 101 tells its user why, instead of closing it after the hello timeout.
     */
    private static boolean offersCurrentProtocol(HttpServerRequest request) {
        for (String offered : request.headers().getAll("Sec-WebSocket-Protocol")) {
            for (String protocol : offered.split(",")) {
                if (protocol.strip().equals(TunnelProtocol.SUBPROTOCOL_V2)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void reject(HttpServerRequest request, String requestId, TunnelFailure failure) {
        metrics.handshakeRejected(failure.code().status());
        LOG.debugf("upgrade %s refused %d %s: %s", requestId, failure.code().status(), failure.code(),
                BearerTokens.redact(request.uri()));
        ErrorResponses.send(request.response(), failure, requestId);
    }

    static TunnelFailure asFailure(Throwable cause) {
        return cause instanceof TunnelFailure f ? f
                : new TunnelFailure(ErrorCode.ROUTING_UNAVAILABLE, "The tunnel could not be admitted: "
                        + cause.getMessage());
    }
}
