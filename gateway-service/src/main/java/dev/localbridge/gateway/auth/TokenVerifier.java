package dev.localbridge.gateway.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.InvalidJwtException;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Verifies bearer tokens with the standard {@code mp.jwt.verify.*} settings, held to the gateway's {@link TokenRules}
 * (asymmetric algorithms, one clock skew), and extracts the user id.
 *
 * <p>Threading: {@link #verify} never blocks the caller. A token seen before (and not expired) is answered from memory
 * on the calling thread, so the hot path costs one map lookup; a new token is verified on a worker thread, because the
 * first verification against a JWKS URL fetches keys over the network.
 *
 * <p>Time: a token is accepted until {@code exp} + the clock skew, by the parser and the cache alike, so that a token
 * is never accepted once and refused on its next use; {@code nbf} and {@code iat} may be at most the skew ahead.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class);

    private final JWTParser parser;
    private final Vertx vertx;
    private final String userClaim;
    private final int cacheSize;
    private final long clockSkewSeconds;
    private final Map<String, VerifiedToken> verified = new ConcurrentHashMap<>();

    TokenVerifier(JWTAuthContextInfo settings, Config mpConfig, Vertx vertx, GatewayConfig config) {
        TokenRules rules = TokenRules.read(mpConfig, config.auth());
        // A parser of its own: the injected one would apply smallrye-jwt's defaults (RS256 only, its own skew), and
        // parse(token, settings) would build a new key resolver, and fetch the JWKS again, for every token.
        this.parser = new DefaultJWTParser(rules.applyTo(settings), new DefaultJWTCallerPrincipalFactory());
        this.vertx = vertx;
        this.userClaim = config.auth().userClaim();
        this.cacheSize = config.auth().cacheSize();
        this.clockSkewSeconds = rules.clockSkewSeconds();
    }

    /** Verifies {@code token}; fails with a {@link TunnelFailure} of code AUTH_TOKEN_MISSING, _INVALID or _EXPIRED. */
    public Future<VerifiedToken> verify(String token) {
        if (token == null || token.isBlank()) {
            return Future.failedFuture(new TunnelFailure(ErrorCode.AUTH_TOKEN_MISSING, "A bearer token is required"));
        }
        VerifiedToken known = verified.get(token);
        if (known != null) {
            if (known.expiredAt(nowSeconds() - clockSkewSeconds)) {
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
        // The parser holds nbf to the skew but iat only to exp: a token issued in the future comes from a clock (or a
        // minter) the gateway has no reason to trust.
        if (jwt.getIssuedAtTime() > nowSeconds() + clockSkewSeconds) {
            LOG.debugf("token rejected: issued %d s ahead", jwt.getIssuedAtTime() - nowSeconds());
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
            long now = nowSeconds() - clockSkewSeconds;
            verified.values().removeIf(t -> t.expiredAt(now));
            if (verified.size() >= cacheSize) {
                verified.clear();
            }
        }
        verified.put(token, result);
    }

    /** Whole epoch seconds, as the parser counts them (it compares {@code now - skew >= exp}). */
    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
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
