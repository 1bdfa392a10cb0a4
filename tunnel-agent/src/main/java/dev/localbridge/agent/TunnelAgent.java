package dev.localbridge.agent;

import dev.localbridge.protocol.CloseCode;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.TunnelProtocol;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The agent: keeps one tunnel to the gateway open and forwards every request that arrives through it to the configured
 * local target.
 *
 * <p>Lifecycle: {@link #start()} begins connecting and returns a future that completes when the <em>first</em> tunnel
 * is up — upgraded, and the gateway has answered the agent's Hello. If the gateway cannot be reached or refuses the upgrade, the agent keeps retrying in the background with
 * exponential backoff and full jitter, and the future stays pending until a tunnel is up (it fails only if
 * {@link #close()} is called first); await it with a timeout. After any later drop the agent reconnects on its own;
 * {@link #isConnected()}, the counters and a {@link TunnelListener} show what happens. On {@code GoAway} the agent opens
 * a new tunnel first, moves to it, and closes the old one once its in-flight streams are done (make-before-break).
 *
 * <p>Tokens: the {@link TokenSource} is asked before every connection and about once a second while a tunnel is open;
 * a token that changed is sent on the open tunnel ({@link Frame.Renew}) when the gateway announced renewal, so the
 * tunnel outlives its tokens without a drop. When the gateway closes the tunnel because the token expired (4401) the
 * agent reconnects after its backoff with whatever the source gives then; when access was revoked (4403) it first asks
 * the source for a new token ({@link TokenSource#renewNow}); when the tunnel's user closed it (4410) the agent stops
 * for good and {@link #stopped()} completes.
 *
 * <p>Threading: all work happens on one Vert.x event-loop context, taken from the thread that constructs the agent (a
 * new one when that is not a Vert.x thread). Nothing blocks it; the token supplier runs on a worker thread. The public
 * methods are thread-safe.
 */
public final class TunnelAgent {

    private static final Logger LOG = Logger.getLogger(TunnelAgent.class.getName());

    private final Vertx vertx;
    private final AgentConfig config;
    private final Context context;
    private final FrameCodec codec = new FrameCodec();
    private final WebSocketClient webSocketClient;
    private final LocalTarget target;
    private final Backoff backoff;
    private final String agentId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt() & 0xffff, 4);
    private final List<TunnelListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final Promise<Void> firstTunnel = Promise.promise();
    private final TunnelConnection.Listener connectionEvents = new ConnectionEvents();
    private final Promise<CloseCode> stoppedByGateway = Promise.promise();

    private volatile TunnelConnection current;
    /** The connection upgraded but still waiting for the gateway's Hello; part of {@link #connecting}. */
    private TunnelConnection pending;
    private final Set<TunnelConnection> replaced = new HashSet<>();
    private boolean started;
    private boolean closing;
    private boolean connecting;
    private long retryTimer = -1;
    private long tokenTimer = -1;
    private boolean checkingToken;
    /** The last problem the token source reported while a tunnel was open, logged once rather than every second. */
    private String tokenProblem;
    private int sequence;
    private Future<Void> closed;

    /** How often the token source is asked for a newer token while a tunnel is open. */
    static final Duration TOKEN_CHECK_INTERVAL = Duration.ofSeconds(1);

    /** Creates an agent that uses the given Vert.x instance; nothing happens until {@link #start()}. */
    public TunnelAgent(Vertx vertx, AgentConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.context = vertx.getOrCreateContext();
        int maxMessage = codec.limits().maxMessageBytes();
        this.webSocketClient = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setConnectTimeout(10_000)
                // Above the decoder's limit, so an oversized frame reaches the decoder and gets a reasoned 1002.
                .setMaxFrameSize(2 * maxMessage)
                .setMaxMessageSize(2 * maxMessage));
        this.target = new LocalTarget(vertx, config);
        this.backoff = new Backoff(config.reconnectMinBackoff(), config.reconnectMaxBackoff());
    }

    /** Registers a listener for tunnel up/down events; returns this agent. */
    public TunnelAgent addListener(TunnelListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Starts connecting. The future completes when the first tunnel is up; until then the agent retries in the
     * background, so callers should await it with a timeout. It fails only if {@link #close()} comes first. Calling
     * it again returns the same future.
     */
    public Future<Void> start() {
        context.runOnContext(v -> {
            if (!started && !closing) {
                started = true;
                tokenTimer = vertx.setPeriodic(TOKEN_CHECK_INTERVAL.toMillis(), t -> checkToken());
                connect();
            }
        });
        return firstTunnel.future();
    }

    /** Whether a tunnel is open right now (including one that is draining while its replacement is being opened). */
    public boolean isConnected() {
        TunnelConnection c = current;
        return c != null && c.isOpen();
    }

    /** The id of the tunnel in use (as printed in the log), or {@code null} when there is none. */
    public String connectionId() {
        TunnelConnection c = current;
        return c == null ? null : c.id();
    }

    /**
     * Completes, with the gateway's close code, when the agent stopped on its own because the gateway told it to: the
     * tunnel's user closed their tunnels ({@link CloseCode#CLOSED_BY_USER}). Never completes otherwise; {@link #close()}
     * does not complete it.
     */
    public Future<CloseCode> stopped() {
        return stoppedByGateway.future();
    }

    /** How many tunnels have come up since {@link #start()}, replacements included. */
    public long connectCount() {
        return connects.get();
    }

    /** How many times the tunnel in use dropped (a make-before-break switch is not a drop). */
    public long disconnectCount() {
        return disconnects.get();
    }

    /**
     * Stops reconnecting, closes every tunnel with 1001 (aborting the local requests still in flight) and releases the
     * clients. Completes when all is closed. Idempotent.
     */
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> doClose().onComplete(done));
        return done.future();
    }

    private Future<Void> doClose() {
        if (closed != null) {
            return closed;
        }
        closing = true;
        vertx.cancelTimer(retryTimer);
        vertx.cancelTimer(tokenTimer);
        firstTunnel.tryFail("the agent was closed before a tunnel came up");
        List<Future<Void>> tunnels = new ArrayList<>();
        if (current != null) {
            tunnels.add(current.close(CloseCode.GOING_AWAY, "agent shutting down"));
        }
        if (pending != null) {
            tunnels.add(pending.close(CloseCode.GOING_AWAY, "agent shutting down"));
        }
        for (TunnelConnection c : replaced) {
            tunnels.add(c.close(CloseCode.GOING_AWAY, "agent shutting down"));
        }
        closed = Future.join(tunnels)
                .transform(ar -> webSocketClient.close())
                .transform(ar -> target.close())
                .transform(ar -> Future.succeededFuture());
        return closed;
    }

    private void connect() {
        if (closing || connecting) {
            return;
        }
        connecting = true;
        vertx.executeBlocking(this::readToken, false)
                .compose(token -> webSocketClient.connect(connectOptions(token)).map(ws -> Map.entry(token, ws)))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        onConnected(ar.result().getValue(), ar.result().getKey());
                    } else {
                        connecting = false;
                        onConnectFailed(ar.cause());
                    }
                });
    }

    private String readToken() {
        String token;
        try {
            token = config.tokens().current();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the token: " + e.getMessage(), e);
        }
        if ((token == null || token.isBlank()) && !config.gatewayUrl().toString().contains("token=")) {
            throw new IllegalStateException("no token: the token source is empty");
        }
        return token == null ? "" : token.strip();
    }

    private WebSocketConnectOptions connectOptions(String token) {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setAbsoluteURI(config.gatewayUrl().toString())
                .addSubProtocol(TunnelProtocol.SUBPROTOCOL_V2)
                // Not a browser: an Origin would only make the gateway check it against browser pages' rules.
                .setAllowOriginHeader(false)
                .setTimeout(15_000);
        if (!token.isEmpty()) {
            options.addHeader("Authorization", "Bearer " + token);
        }
        return options;
    }

    /** Upgraded: says hello, and waits for the gateway's ({@link ConnectionEvents#ready}) before using the tunnel. */
    private void onConnected(WebSocket ws, String presented) {
        if (closing) {
            connecting = false;
            ws.close(CloseCode.GOING_AWAY.asShort(), "agent shutting down");
            return;
        }
        String id = agentId + "-" + (++sequence);
        pending = new TunnelConnection(id, ws, vertx, codec, target, config.maxConcurrentStreams(),
                config.pingInterval(), presented, connectionEvents);
        pending.start();
    }

    private void onReady(TunnelConnection connection) {
        String id = connection.id();
        TunnelConnection previous = current;
        current = connection;
        backoff.reset();
        connects.incrementAndGet();
        LOG.info("tunnel up: gateway=" + GatewayUrl.redact(config.gatewayUrl()) + " target=" + target.url()
                + " connection=" + id
                + (previous == null ? "" : " (replaces " + previous.id() + ", which finishes its "
                        + previous.activeStreams() + " streams in flight)"));
        if (previous != null) {
            replaced.add(previous);
            previous.closeWhenIdle();
        }
        listeners.forEach(l -> l.connected(id));
        firstTunnel.tryComplete();
    }

    /**
     * Asks the token source (off the event loop: a login may refresh over the network) whether the token changed, and
     * renews the tunnel in use with it when it did and the gateway can take it.
     */
    private void checkToken() {
        TunnelConnection connection = current;
        if (checkingToken || closing || connection == null || !connection.canRenew()) {
            return;
        }
        checkingToken = true;
        vertx.executeBlocking(() -> config.tokens().current(), false).onComplete(ar -> {
            checkingToken = false;
            if (ar.failed()) {
                String problem = describe(ar.cause());
                if (!problem.equals(tokenProblem)) {
                    LOG.warning("cannot read a newer token (" + problem + "); the tunnel keeps its current one");
                }
                tokenProblem = problem;
                return;
            }
            tokenProblem = null;
            String token = ar.result() == null ? "" : ar.result().strip();
            if (!token.isEmpty() && connection == current && connection.canRenew()
                    && !token.equals(connection.presentedToken())) {
                connection.renew(token);
            }
        });
    }

    /** The gateway closed the tunnel because its user asked for it: no reconnect, {@link #stopped()} completes. */
    private void stopForGood(TunnelConnection connection, String why, CloseCode code) {
        LOG.warning("tunnel closed by its user (" + code.code() + "): stopping the agent; start it again to reconnect"
                + " (" + why + ")");
        if (connection == current) {
            current = null;
            disconnects.incrementAndGet();
            listeners.forEach(l -> l.disconnected(connection.id(), why));
        }
        doClose().onComplete(ar -> stoppedByGateway.tryComplete(code));
    }

    /** Access was revoked: asks the source for a token issued from now on, then reconnects after the backoff. */
    private void renewTokenThenReconnect(Duration delay) {
        vertx.executeBlocking(() -> {
            config.tokens().renewNow();
            return null;
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warning("could not get a new token after the revocation: " + describe(ar.cause()));
            }
            if (!closing) {
                scheduleConnect(delay);
            }
        });
    }

    private void onConnectFailed(Throwable cause) {
        if (closing) {
            return;
        }
        Duration delay = backoff.next();
        LOG.warning("tunnel connect failed: " + describe(cause) + ", retrying in " + seconds(delay));
        scheduleConnect(delay);
    }

    private void scheduleConnect(Duration delay) {
        vertx.cancelTimer(retryTimer);
        retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), t -> {
            retryTimer = -1;
            connect();
        });
    }

    /** Says why an attempt failed, in the words a user can act on; never includes the token. */
    static String describe(Throwable cause) {
        if (cause instanceof UpgradeRejectedException rejected) {
            return switch (rejected.getStatus()) {
                case 401 -> "token rejected (HTTP 401)";
                case 403 -> "access denied (HTTP 403)";
                case 429 -> "too many connections for this user (HTTP 429)";
                default -> "gateway refused the tunnel (HTTP " + rejected.getStatus() + ")";
            };
        }
        String message = cause.getMessage();
        return GatewayUrl.redact(message == null || message.isBlank() ? cause.getClass().getSimpleName() : message);
    }

    static String seconds(Duration delay) {
        return String.format(Locale.ROOT, "%.1f s", delay.toMillis() / 1000.0);
    }

    /** Reacts to what the connections report. */
    private final class ConnectionEvents implements TunnelConnection.Listener {

        @Override
        public void ready(TunnelConnection connection) {
            if (connection != pending) {
                return;
            }
            pending = null;
            connecting = false;
            if (closing) {
                connection.close(CloseCode.GOING_AWAY, "agent shutting down");
                return;
            }
            onReady(connection);
        }

        @Override
        public void goAway(TunnelConnection connection, Frame.GoAway goAway) {
            if (connection != current || connection.isReplacing() || closing) {
                return;
            }
            connection.markReplacing();
            LOG.info("[" + connection.id() + "] gateway sent goaway (" + goAway.reason()
                    + (goAway.message().isEmpty() ? "" : ": " + goAway.message())
                    + "), opening a new tunnel before closing this one");
            vertx.cancelTimer(retryTimer);
            connect();
        }

        @Override
        public void closed(TunnelConnection connection, String why, CloseCode gatewayCode) {
            CloseCode.AgentReaction reaction = gatewayCode == null ? CloseCode.AgentReaction.RECONNECT_AFTER_BACKOFF
                    : gatewayCode.agentReaction();
            if (reaction == CloseCode.AgentReaction.STOP && !closing
                    && (connection == current || connection == pending)) {
                if (connection == pending) {
                    pending = null;
                    connecting = false;
                }
                stopForGood(connection, why, gatewayCode);
                return;
            }
            if (connection == pending) {
                pending = null;
                connecting = false;
                onConnectFailed(new IllegalStateException("closed before the gateway's hello: " + why));
                return;
            }
            if (replaced.remove(connection)) {
                LOG.fine(() -> "[" + connection.id() + "] replaced tunnel closed: " + why);
                return;
            }
            if (connection != current) {
                return;
            }
            current = null;
            disconnects.incrementAndGet();
            listeners.forEach(l -> l.disconnected(connection.id(), why));
            if (closing) {
                LOG.info("tunnel closed: " + why + " connection=" + connection.id());
            } else if (connecting) {
                LOG.info("tunnel down: " + why + " connection=" + connection.id()
                        + ", a new tunnel is already being opened");
            } else if (reaction == CloseCode.AgentReaction.RECONNECT_AT_ONCE) {
                LOG.info("tunnel down: " + why + " connection=" + connection.id() + ", reconnecting now");
                vertx.cancelTimer(retryTimer);
                connect();
            } else if (gatewayCode == CloseCode.ACCESS_REVOKED) {
                Duration delay = backoff.next();
                LOG.info("tunnel down: " + why + " connection=" + connection.id() + ", getting a new token and"
                        + " reconnecting in " + seconds(delay));
                renewTokenThenReconnect(delay);
            } else {
                Duration delay = backoff.next();
                LOG.info("tunnel down: " + why + " connection=" + connection.id() + ", reconnecting in "
                        + seconds(delay));
                scheduleConnect(delay);
            }
        }
    }
}
