package dev.localbridge.gateway.ownership;

import java.io.IOException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.parsetools.RecordParser;

/**
 * Follows session-service's change feed ({@code GET /api/events}, SSE) and drops cached routes as leases move.
 * Delivery is at most once, so every (re)subscription drops the whole cache; a broken feed is reopened with
 * exponential backoff (0.5 s … 30 s). A feed silent for 3 × the ping interval is considered dead.
 */
final class ChangeFeedSubscriber {

    private static final Logger LOG = Logger.getLogger(ChangeFeedSubscriber.class);
    private static final long MIN_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;
    /** session-service pings idle feeds every 15 s by default. */
    private static final long IDLE_TIMEOUT_MS = 45_000;

    private final SessionClient session;
    private final RouteCache routes;
    private final ObjectMapper json;
    private final Vertx vertx;
    private volatile boolean stopped;
    private volatile HttpClientResponse current;
    private long backoff = MIN_BACKOFF_MS;
    private boolean everSubscribed;

    ChangeFeedSubscriber(SessionClient session, RouteCache routes, ObjectMapper json, Vertx vertx) {
        this.session = session;
        this.routes = routes;
        this.json = json;
        this.vertx = vertx;
    }

    void start() {
        vertx.runOnContext(v -> connect());
    }

    void stop() {
        stopped = true;
        HttpClientResponse response = current;
        if (response != null) {
            response.request().reset();
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        session.stream("events", "/api/events", IDLE_TIMEOUT_MS).onComplete(ar -> {
            if (ar.failed()) {
                retry("cannot subscribe: " + ar.cause().getMessage());
                return;
            }
            HttpClientResponse response = ar.result();
            current = response;
            StringBuilder data = new StringBuilder();
            RecordParser lines = RecordParser.newDelimited("\n", response);
            lines.handler(line -> onLine(line, data));
            response.exceptionHandler(e -> ended(response, "broke: " + e.getMessage()));
            response.endHandler(v -> ended(response, "ended"));
        });
    }

    private void onLine(Buffer raw, StringBuilder data) {
        String line = raw.toString();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            if (!data.isEmpty()) {
                dispatch(data.toString());
                data.setLength(0);
            }
        } else if (line.startsWith("data:")) {
            if (!data.isEmpty()) {
                data.append('\n');
            }
            data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
        }
    }

    private void dispatch(String data) {
        SessionApi.ChangeEvent event;
        try {
            event = json.readValue(data, SessionApi.ChangeEvent.class);
        } catch (IOException e) {
            LOG.warnf("change feed: unreadable event dropped: %s", e.getMessage());
            return;
        }
        switch (event.type() == null ? "" : event.type()) {
            case "subscribed" -> {
                backoff = MIN_BACKOFF_MS;
                routes.invalidateAll();
                if (everSubscribed) {
                    LOG.infof("change feed of %s re-subscribed: route cache dropped", session.baseUrl());
                } else {
                    LOG.debugf("change feed of %s subscribed", session.baseUrl());
                }
                everSubscribed = true;
            }
            case "lease-acquired", "lease-moved", "lease-released" -> {
                if (event.userId() != null) {
                    routes.invalidate(event.userId());
                }
            }
            case "node-gone" -> {
                if (event.nodeId() != null) {
                    routes.invalidateNode(event.nodeId());
                }
            }
            default -> LOG.tracef("change feed: %s", event.type());
        }
    }

    private void ended(HttpClientResponse response, String why) {
        if (current != response) {
            return;
        }
        current = null;
        if (!stopped) {
            session.countError("events");
            // Events may be lost from here until the next "subscribed", which drops the cache anyway.
            retry(why);
        }
    }

    private void retry(String why) {
        if (stopped) {
            return;
        }
        long delay = backoff;
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        LOG.warnf("change feed of %s %s; retrying in %d ms", session.baseUrl(), why, delay);
        vertx.setTimer(delay, t -> connect());
    }
}
