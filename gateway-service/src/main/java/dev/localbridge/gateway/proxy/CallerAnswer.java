package dev.localbridge.gateway.proxy;

import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.Outcome;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.HopByHop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The response one caller receives, written by the gateway whatever the agent or a relaying replica sends. A leg
 * delivers a head, body chunks and an end into it; this object decides what of it reaches the caller and how it is
 * framed, so that no agent can add bytes to, or silently shorten, an answer on the caller's connection:
 * <ul>
 * <li>one final head per exchange: a second one is a violation;</li>
 * <li>status 200–599 passes; {@code 100 Continue} only for a caller that asked and has not had it, other interim 1xx
 * are dropped; 101 and anything outside 100–599 are violations;</li>
 * <li>hop-by-hop and framing headers are never copied: the announced Content-Length (one number) is a promise this
 * object checks — never a byte more is written, and an end before the last byte cuts the caller — and without one the
 * answer is chunked (HTTP/1.1) or ends with the stream (HTTP/2);</li>
 * <li>no body after HEAD, 204 or 304;</li>
 * <li>header names must be tokens, values free of CR, LF and NUL.</li>
 * </ul>
 * A violation before the head was written answers 502 {@code TUNNEL_CLOSED}; after, it cuts the caller's connection
 * (HTTP/1.1: close; HTTP/2: stream reset), never a clean end. The delivering leg learns of it through
 * {@link #violated()} when the answer settles, and resets its source.
 *
 * <p>The head goes out at the end of the event-loop turn in which it arrived at the latest (a caller sees the status
 * before the first token), together with the body and the end when they arrived in the same turn: one write, not
 * three. A body chunk's {@code written} callback runs once the write to the caller completed, which is when a leg
 * returns credit to its source.
 *
 * <p>Threading: every method runs on the caller's request context.
 */
public final class CallerAnswer {

    private static final Logger LOG = Logger.getLogger(CallerAnswer.class);
    private static final Set<String> NOT_COPIED = Set.of("content-length",
            ErrorResponses.ERROR_HEADER.toLowerCase());

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final String requestId;
    private final BiConsumer<HttpServerRequest, MultiMap> decorateProxied;
    private final Context context;
    private final boolean expectsContinue;
    private final Promise<Outcome> outcome = Promise.promise();

    private Handler<Outcome> leg;
    private boolean continueSent;
    private boolean headTaken;
    private boolean headPending;
    private long headNanos = -1;
    private int status;
    private Iterable<Map.Entry<String, String>> fields;
    private long announced = -1;
    private boolean bodyAllowed;
    private long bodyBytes;
    private Outcome endOutcome = Outcome.SUCCESS;
    private Buffer held;
    private Handler<Void> heldWritten;
    private boolean flushScheduled;
    private boolean violated;
    private boolean settled;
    private boolean completeByLength;

    /**
     * Takes over {@code request}'s response; call on the request's context. {@code decorateProxied} applies the
     * browser rules for content from a user's machine to a proxied head (see {@code web.ProxiedHeaders}).
     */
    public CallerAnswer(HttpServerRequest request, String requestId,
            BiConsumer<HttpServerRequest, MultiMap> decorateProxied) {
        this.request = request;
        this.response = request.response();
        this.requestId = requestId;
        this.decorateProxied = decorateProxied;
        this.context = Vertx.currentContext();
        this.expectsContinue = RequestBody.expectsContinue(request);
        response.closeHandler(v -> {
            if (!response.ended()) {
                CallerConnection.settled(response, () -> settle(endOutcome), () -> settle(Outcome.CANCELLED));
            }
        });
    }

    /** How the answer ended, once it has. */
    public Future<Outcome> outcome() {
        return outcome.future();
    }

    /** Whether the answer is over (ended, cut, refused, or the caller went away). */
    boolean settled() {
        return settled;
    }

    /** Whether a final head was taken (it may not have been written yet). */
    boolean headTaken() {
        return headTaken;
    }

    /** When the final head was taken ({@link System#nanoTime()}), or -1. */
    long headNanos() {
        return headNanos;
    }

    /** Whether the answer was settled because its source broke the rules above. */
    boolean violated() {
        return violated;
    }

    /**
     * Whether the answer ended when its announced length was written, before its source said it ended: the source
     * owes nothing more, and what it still sends is dropped.
     */
    boolean completeByLength() {
        return completeByLength;
    }

    /** {@code leg} now delivers into this answer and is told, once, how it settled. */
    void attach(Handler<Outcome> leg) {
        this.leg = leg;
    }

    /** The leg hands the exchange back without having delivered anything (it was misrouted). */
    void detach() {
        this.leg = null;
    }

    /** Settles the answer as cancelled when the caller's connection is already gone. */
    boolean settleIfCallerGone() {
        if (!settled && response.closed()) {
            settle(Outcome.CANCELLED);
        }
        return settled;
    }

    /** Sends {@code 100 Continue} when the caller asked for it and has not had it; call when ready to read the body. */
    void continueIfExpected() {
        if (expectsContinue && !continueSent && !settled && !response.headWritten()) {
            continueSent = true;
            response.writeContinue();
        }
    }

    /**
     * A response head from the source. {@code outcomeAtEnd} is what a clean end of this answer counts as (a holder's
     * error envelope relayed to the caller counts as that error).
     */
    void head(int status, Iterable<Map.Entry<String, String>> headers, Outcome outcomeAtEnd) {
        if (settled) {
            return;
        }
        if (headTaken) {
            violation("a second response head");
            return;
        }
        if (status == 100) {
            continueIfExpected();
            return;
        }
        if (status == 101 || status < 100 || status > 599) {
            violation("status " + status);
            return;
        }
        if (status < 200) {
            return; // interim (102, 103): nothing the caller needs, and never a final status
        }
        long length;
        try {
            length = ResponseHeads.check(headers);
        } catch (ResponseHeads.Violation v) {
            violation(v.getMessage());
            return;
        }
        headTaken = true;
        headPending = true;
        headNanos = System.nanoTime();
        this.status = status;
        this.fields = headers;
        this.announced = length;
        this.endOutcome = outcomeAtEnd;
        this.bodyAllowed = request.method() != HttpMethod.HEAD && status != 204 && status != 304;
        scheduleFlush();
    }

    /** {@link #head(int, Iterable, Outcome)} for headers that came through the tunnel. */
    void head(int status, java.util.List<Header> headers) {
        head(status, () -> headers.stream().map(h -> Map.entry(h.name(), h.value())).iterator(), Outcome.SUCCESS);
    }

    /** A chunk of body; {@code written} (may be null) runs once it was written to the caller, or was dropped. */
    void body(Buffer data, Handler<Void> written) {
        if (settled) {
            return;
        }
        if (!headTaken) {
            violation("body before a final response head");
            return;
        }
        if (!bodyAllowed) {
            if (written != null) {
                written.handle(null); // not written: this answer has no body
            }
            return;
        }
        if (announced >= 0 && bodyBytes + data.length() > announced) {
            violation("more body than its Content-Length of " + announced);
            return;
        }
        bodyBytes += data.length();
        if (held != null) {
            writeHeld();
        }
        held = data;
        heldWritten = written;
        if (announced >= 0 && bodyBytes == announced) {
            // Complete: ending here keeps what the source sends later (an overrun, or a cut of its own) away from the
            // caller's connection, which the caller may already be reusing for its next request.
            completeByLength = true;
            end();
            return;
        }
        scheduleFlush();
    }

    /** The source ended the answer. */
    void end() {
        if (settled) {
            return;
        }
        if (!headTaken) {
            violation("an end before a final response head");
            return;
        }
        if (bodyAllowed && announced >= 0 && bodyBytes < announced) {
            violation("an end after " + bodyBytes + " of the " + announced + " bytes announced");
            return;
        }
        applyHead();
        Buffer last = held;
        held = null;
        heldWritten = null;
        if (last != null) {
            response.end(last);
        } else {
            response.end();
        }
        settle(endOutcome);
    }

    /**
     * The exchange cannot be carried (further): the caller gets the envelope when nothing was written yet, else its
     * connection is cut. A caller whose connection already closed explains the failure itself (see
     * {@link CallerConnection}).
     */
    public void fail(TunnelFailure failure) {
        if (settled || CallerConnection.settled(response, () -> settle(endOutcome),
                () -> settle(Outcome.CANCELLED))) {
            return;
        }
        if (response.headWritten()) {
            LOG.debugf("request %s: cutting a started answer: %s", requestId, failure.getMessage());
            cut();
            return;
        }
        discardPending();
        Refusals.refuse(request, failure, requestId, continueSent);
        settle(Outcome.of(failure.code()));
    }

    /** Whether writes to the caller should pause until {@link #drainHandler}. */
    boolean writeQueueFull() {
        return !settled && response.writeQueueFull();
    }

    void drainHandler(Handler<Void> handler) {
        response.drainHandler(handler);
    }

    private void violation(String rule) {
        violated = true;
        LOG.debugf("request %s: the answer broke HTTP's rules: %s", requestId, rule);
        if (response.headWritten()) {
            cut();
            return;
        }
        discardPending();
        Refusals.refuse(request, new TunnelFailure(ErrorCode.TUNNEL_CLOSED,
                "The desktop client's answer was not valid HTTP: " + rule), requestId, continueSent);
        settle(Outcome.of(ErrorCode.TUNNEL_CLOSED));
    }

    /** A clean end would tell the caller a broken answer was complete: its connection is cut instead. */
    private void cut() {
        discardPending();
        response.reset();
        settle(Outcome.BROKEN);
    }

    private void discardPending() {
        headPending = false;
        held = null;
        heldWritten = null;
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            context.runOnContext(v -> {
                flushScheduled = false;
                if (settled) {
                    return;
                }
                if (held != null) {
                    writeHeld();
                } else if (headPending) {
                    applyHead();
                    response.writeHead();
                }
            });
        }
    }

    private void writeHeld() {
        applyHead();
        Buffer chunk = held;
        Handler<Void> written = heldWritten;
        held = null;
        heldWritten = null;
        Future<Void> write = response.write(chunk);
        if (written != null) {
            write.onSuccess(written);
        }
    }

    /** Puts the taken head on the response: the one place where a source's headers reach the caller. */
    private void applyHead() {
        if (!headPending) {
            return;
        }
        headPending = false;
        response.setStatusCode(status);
        MultiMap out = response.headers();
        for (Header h : HopByHop.strip(fields, NOT_COPIED)) {
            out.add(h.name(), h.value());
        }
        if (!out.contains("X-Request-Id")) {
            out.set("X-Request-Id", requestId);
        }
        if (endOutcome != Outcome.SUCCESS) {
            // A holder replica's own error envelope, relayed: the gateway's answer, not content from a user's machine.
            out.set(ErrorResponses.ERROR_HEADER, endOutcome.label());
        } else {
            decorateProxied.accept(request, out);
        }
        if (announced >= 0 && status != 204) {
            out.set(HttpHeaders.CONTENT_LENGTH, Long.toString(announced));
        } else if (bodyAllowed) {
            response.setChunked(true);
        }
    }

    private void settle(Outcome result) {
        if (settled) {
            return;
        }
        settled = true;
        discardPending();
        Handler<Outcome> current = leg;
        leg = null;
        if (current != null) {
            current.handle(result);
        }
        outcome.complete(result);
    }
}
