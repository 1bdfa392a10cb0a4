package dev.localbridge.gateway.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.InvalidJwtException;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Verifies bearer tokens with the standard {@code mp.jwt.verify.*} settings and extracts the user id.
 *
 * <p>Threading: {@link #verify} never blocks the caller. A token seen before (and not expired) is answered from memory
 * on the calling thread, so the hot path costs one map lookup; a new token is verified on a worker thread, because the
 * first verification against a JWKS URL fetches keys over the network.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class);

    private final JWTParser parser;
    private final Vertx vertx;
    private final String userClaim;
    private final int cacheSize;
    private final Map<String, VerifiedToken> verified = new ConcurrentHashMap<>();

    TokenVerifier(JWTParser parser, Vertx vertx, GatewayConfig config) {
        this.parser = parser;
        this.vertx = vertx;
        this.userClaim = config.auth().userClaim();
        this.cacheSize = config.auth().cacheSize();
    }

    /** Verifies {@code token}; fails with a {@link TunnelFailure} of code AUTH_TOKEN_MISSING, _INVALID or _EXPIRED. */
    public Future<VerifiedToken> verify(String token) {
        if (token == null || token.isBlank()) {
            return Future.failedFuture(new TunnelFailure(ErrorCode.AUTH_TOKEN_MISSING, "A bearer token is required"));
        }
        VerifiedToken known = verified.get(token);
        if (known != null) {
            if (known.expiredAt(System.currentTimeMillis() / 1000)) {
                verified.remove(token);
                return Future.failedFuture(expired());
            }
            return Future.succeededFuture(known);
        }
        return vertx.executeBlocking(() -> verifyNow(token), false).recover(e -> Future.failedFuture(
                e instanceof TunnelFailure ? e : unverifiable(e)));
    }

    private VerifiedToken verifyNow(String token) {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            if (hasExpired(e)) {
                throw expired();
            }
            LOG.debugf("token rejected: %s", e.getMessage());
            throw new TunnelFailure(ErrorCode.AUTH_TOKEN_INVALID, "The bearer token is not valid");
        }
        Object claim = jwt.getClaim(userClaim);
        String userId = claim == null ? null : claim.toString();
        if (userId == null || userId.isBlank()) {
            throw new TunnelFailure(ErrorCode.AUTH_TOKEN_INVALID, "The bearer token has no '" + userClaim + "' claim");
        }
        long exp = jwt.getExpirationTime();
        VerifiedToken result = new VerifiedToken(userId, exp > 0 ? exp : Long.MAX_VALUE);
        remember(token, result);
        return result;
    }

    private void remember(String token, VerifiedToken result) {
        if (verified.size() >= cacheSize) {
            long now = System.currentTimeMillis() / 1000;
            verified.values().removeIf(t -> t.expiredAt(now));
            if (verified.size() >= cacheSize) {
                verified.clear();
            }
        }
        verified.put(token, result);
    }

    private static boolean hasExpired(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidJwtException invalid && invalid.hasExpired()) {
                return true;
            }
        }
        return false;
    }

    private static TunnelFailure unverifiable(Throwable e) {
        LOG.warnf(e, "token could not be verified (configuration or key source problem): %s", e.toString());
        return new TunnelFailure(ErrorCode.AUTH_TOKEN_INVALID, "The bearer token could not be verified");
    }

    private static TunnelFailure expired() {
        return new TunnelFailure(ErrorCode.AUTH_TOKEN_EXPIRED, "The bearer token has expired");
    }
}
