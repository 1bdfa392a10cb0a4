package dev.localbridge.gateway.tunnel;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.auth.TokenVerifier;
import dev.localbridge.gateway.auth.VerifiedToken;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.TunnelMetrics;
import dev.localbridge.protocol.CloseCode;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.RenewResult;
import io.vertx.core.Vertx;

/**
 * How long one tunnel may serve on the strength of its token. A tunnel is valid until the {@code exp} of the token it
 * was opened with, or of the last token the agent renewed it with ({@link Frame.Renew}); it is closed with
 * {@link CloseCode#TOKEN_EXPIRED} once that moment plus {@code TUNNEL_TOKEN_GRACE} has passed. Without this, a tunnel
 * opened with a token would serve for as long as its socket lived, whatever became of the token.
 *
 * <p>A renewal is verified exactly as the upgrade's token is ({@link TokenVerifier#verify}, off the event loop for a
 * token not seen before) and must name the tunnel's own user: a token of another user would move the tunnel to
 * them. A refused renewal changes nothing and never closes the tunnel by itself; streams are never touched by a
 * renewal. One renewal per connection is verified at a time, so an agent cannot queue up verifications.
 *
 * <p>Threading: {@link #start}, the timer and the answers run on the connection's event loop; the validity is read
 * from any thread.
 */
final class TokenLifetime {

    private static final Logger LOG = Logger.getLogger(TokenLifetime.class);

    private final String userId;
    private final long graceMillis;
    private final TokenVerifier verifier;
    private final TunnelMetrics metrics;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile long validUntilSeconds;
    private TunnelConnection tunnel;
    private Vertx vertx;
    private long timer = -1;
    private boolean stopped;

    /**
     * @param token       the token verified at the upgrade
     * @param graceMillis how long after {@code exp} an unrenewed tunnel still serves ({@code TUNNEL_TOKEN_GRACE})
     */
    TokenLifetime(VerifiedToken token, long graceMillis, TokenVerifier verifier, TunnelMetrics metrics) {
        this.userId = token.userId();
        this.validUntilSeconds = token.expiresAtSeconds();
        this.graceMillis = graceMillis;
        this.verifier = verifier;
        this.metrics = metrics;
    }

    /** Epoch seconds until which the tunnel's token is valid; {@link Long#MAX_VALUE} when it has no {@code exp}. */
    long validUntilSeconds() {
        return validUntilSeconds;
    }

    /** Arms the expiry timer of {@code tunnel}. */
    void start(TunnelConnection tunnel, Vertx vertx) {
        this.tunnel = tunnel;
        this.vertx = vertx;
        arm();
    }

    /** The tunnel closed: no more timer. */
    void stop() {
        stopped = true;
        if (vertx != null) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Verifies a token the agent sent and answers with {@link Frame.Renewed}. The timer is not moved: when it fires
     * at the old deadline it finds the new one and waits again, which keeps every change of the deadline on one path.
     */
    void renew(String token) {
        if (!renewing.compareAndSet(false, true)) {
            refused(RenewResult.BUSY, "a renewal of this tunnel is already being verified");
            return;
        }
        verifier.verify(token).onComplete(verified -> {
            renewing.set(false);
            if (verified.failed()) {
                boolean expired = verified.cause() instanceof TunnelFailure f
                        && f.code() == ErrorCode.AUTH_TOKEN_EXPIRED;
                refused(expired ? RenewResult.TOKEN_EXPIRED : RenewResult.INVALID_TOKEN,
                        verified.cause().getMessage());
            } else if (!verified.result().userId().equals(userId)) {
                refused(RenewResult.OTHER_USER, "the token belongs to another user than this tunnel's");
            } else {
                validUntilSeconds = verified.result().expiresAtSeconds();
                metrics.tokenRenewal(true);
                LOG.infof("tunnel %s user=%s: token renewed, valid until %s", tunnel.id(), userId,
                        describe(validUntilSeconds));
                tunnel.send(new Frame.Renewed(RenewResult.ACCEPTED, validUntilSeconds, ""));
            }
        });
    }

    private void refused(RenewResult result, String message) {
        metrics.tokenRenewal(false);
        LOG.warnf("tunnel %s user=%s: token renewal refused (%s: %s), still valid until %s", tunnel.id(), userId,
                result, message, describe(validUntilSeconds));
        tunnel.send(new Frame.Renewed(result, validUntilSeconds, message));
    }

    private void arm() {
        long deadline = deadlineMillis();
        if (stopped || deadline == Long.MAX_VALUE) {
            return;
        }
        timer = vertx.setTimer(Math.max(1, deadline - System.currentTimeMillis() + 1), t -> expireIfDue());
    }

    private void expireIfDue() {
        if (stopped) {
            return;
        }
        if (System.currentTimeMillis() <= deadlineMillis()) {
            arm(); // renewed since the timer was set
            return;
        }
        metrics.expiryClose();
        LOG.warnf("tunnel %s user=%s: token expired at %s and was not renewed within %d ms, closing with %d",
                tunnel.id(), userId, describe(validUntilSeconds), graceMillis, CloseCode.TOKEN_EXPIRED.code());
        tunnel.close(CloseCode.TOKEN_EXPIRED, "the token expired and was not renewed");
    }

    /** {@code exp} + grace in epoch milliseconds; {@link Long#MAX_VALUE} for a token without expiry (or past 292M AD). */
    private long deadlineMillis() {
        long exp = validUntilSeconds;
        return exp >= (Long.MAX_VALUE - graceMillis) / 1000 ? Long.MAX_VALUE : exp * 1000 + graceMillis;
    }

    private static String describe(long epochSeconds) {
        return epochSeconds == Long.MAX_VALUE ? "no expiry" : Instant.ofEpochSecond(epochSeconds).toString();
    }
}
