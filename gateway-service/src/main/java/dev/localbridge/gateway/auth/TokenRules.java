package dev.localbridge.gateway.auth;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.config.Config;

import dev.localbridge.gateway.config.GatewayConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;

/**
 * What a caller token must satisfy beyond its signature, read once from the {@code mp.jwt.verify.*} settings (directly
 * or through {@code AUTH0_DOMAIN}) and {@code tunnel.auth.*}. {@link #read} refuses, with a one-line message naming the
 * settings, every configuration under which the gateway would accept tokens that were not meant for it: no key, no
 * issuer, a provider's keys without an audience, a symmetric algorithm, or a second clock skew that the token cache
 * would not know about.
 */
final class TokenRules {

    /** Algorithms a caller token may be signed with: asymmetric only, so nothing the gateway holds can sign one. */
    static final Set<SignatureAlgorithm> ASYMMETRIC = EnumSet.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384,
            SignatureAlgorithm.RS512, SignatureAlgorithm.PS256, SignatureAlgorithm.PS384, SignatureAlgorithm.PS512,
            SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512, SignatureAlgorithm.EDDSA);

    private static final String ALGORITHMS = "mp.jwt.verify.publickey.algorithm";

    private final Set<SignatureAlgorithm> algorithms;
    private final int clockSkewSeconds;

    private TokenRules(Set<SignatureAlgorithm> algorithms, int clockSkewSeconds) {
        this.algorithms = algorithms;
        this.clockSkewSeconds = clockSkewSeconds;
    }

    /** The rules of {@code config}; an {@link IllegalStateException} says what to set when they are incomplete. */
    static TokenRules read(Config config, GatewayConfig.Auth auth) {
        Optional<String> location = value(config, "mp.jwt.verify.publickey.location");
        if (location.isEmpty() && value(config, "mp.jwt.verify.publickey").isEmpty()) {
            throw new IllegalStateException("No JWT verification key is configured: set"
                    + " MP_JWT_VERIFY_PUBLICKEY_LOCATION (a PEM file, a JWK set file or a JWKS URL) or AUTH0_DOMAIN,"
                    + " and MP_JWT_VERIFY_ISSUER");
        }
        if (value(config, "mp.jwt.verify.issuer").isEmpty()) {
            throw new IllegalStateException("No JWT issuer is configured: set MP_JWT_VERIFY_ISSUER to the exact 'iss'"
                    + " of the callers' tokens, or AUTH0_DOMAIN");
        }
        checkAudience(config, auth, location);
        for (String otherSkew : List.of("mp.jwt.verify.clock.skew", "smallrye.jwt.expiration.grace")) {
            if (value(config, otherSkew).isPresent()) {
                throw new IllegalStateException(otherSkew + " is not used: the gateway's one clock skew, for the"
                        + " verifier and its token cache, is TUNNEL_AUTH_CLOCK_SKEW (ms)");
            }
        }
        if (value(config, "smallrye.jwt.verify.algorithm").isPresent()) {
            throw new IllegalStateException("smallrye.jwt.verify.algorithm is not used: list the accepted algorithms in"
                    + " MP_JWT_VERIFY_PUBLICKEY_ALGORITHM");
        }
        long skew = auth.clockSkew();
        if (skew < 0 || skew % 1000 != 0 || skew / 1000 > Integer.MAX_VALUE) {
            throw new IllegalStateException("TUNNEL_AUTH_CLOCK_SKEW must be whole seconds written in ms (e.g. 60000),"
                    + " not " + skew);
        }
        return new TokenRules(algorithms(config), (int) (skew / 1000));
    }

    private static void checkAudience(Config config, GatewayConfig.Auth auth, Optional<String> location) {
        boolean audience = value(config, "mp.jwt.verify.audiences").isPresent();
        if (audience && auth.acceptAnyAudience()) {
            throw new IllegalStateException("TUNNEL_AUTH_ACCEPT_ANY_AUDIENCE=true contradicts the configured audience"
                    + " (MP_JWT_VERIFY_AUDIENCES or AUTH0_AUDIENCE): drop one of them");
        }
        // A provider signs tokens for all its applications, ID tokens included, with the same keys: only `aud` says a
        // token was meant for this API. A key pair of one's own signs only what its owner mints.
        boolean providerKeys = value(config, "AUTH0_DOMAIN").isPresent()
                || location.map(l -> l.regionMatches(true, 0, "http://", 0, 7)
                        || l.regionMatches(true, 0, "https://", 0, 8)).orElse(false);
        if (providerKeys && !audience && !auth.acceptAnyAudience()) {
            throw new IllegalStateException("No JWT audience is configured for an identity provider's keys"
                    + " (AUTH0_DOMAIN or a JWKS URL): set AUTH0_AUDIENCE or MP_JWT_VERIFY_AUDIENCES to this API's"
                    + " identifier, or TUNNEL_AUTH_ACCEPT_ANY_AUDIENCE=true if the provider issues no 'aud'");
        }
    }

    /**
     * The configured algorithms in the order written, because smallrye-jwt reads a PEM key as the family of the first
     * one (RSA for RS and PS, EC for ES).
     */
    private static Set<SignatureAlgorithm> algorithms(Config config) {
        String written = value(config, ALGORITHMS).orElse("RS256");
        Set<SignatureAlgorithm> algorithms = new LinkedHashSet<>();
        List<String> refused = new ArrayList<>();
        for (String name : written.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            SignatureAlgorithm algorithm;
            try {
                algorithm = SignatureAlgorithm.fromAlgorithm(name.trim());
            } catch (IllegalArgumentException e) {
                refused.add(name.trim());
                continue;
            }
            if (ASYMMETRIC.contains(algorithm)) {
                algorithms.add(algorithm);
            } else {
                refused.add(algorithm.getAlgorithm());
            }
        }
        if (!refused.isEmpty() || algorithms.isEmpty()) {
            throw new IllegalStateException("MP_JWT_VERIFY_PUBLICKEY_ALGORITHM may list only asymmetric algorithms"
                    + " (RS256/384/512, PS256/384/512, ES256/384/512, EdDSA), not " + String.join(", ", refused)
                    + ": with a shared secret, whoever can verify a token can also mint one");
        }
        return algorithms;
    }

    /** The skew allowed on {@code exp}, {@code nbf} and {@code iat}, in seconds (the unit of those claims). */
    int clockSkewSeconds() {
        return clockSkewSeconds;
    }

    /** {@code read}: the settings smallrye-jwt read, with this gateway's algorithms and its one clock skew. */
    JWTAuthContextInfo applyTo(JWTAuthContextInfo read) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(read);
        info.setSignatureAlgorithm(algorithms);
        info.setClockSkew(clockSkewSeconds);
        info.setExpGracePeriodSecs(0);
        return info;
    }

    /** A setting as smallrye-jwt sees it, which takes {@code NONE} for unset (so that a profile can unset a key). */
    private static Optional<String> value(Config config, String name) {
        return config.getOptionalValue(name, String.class).map(String::trim)
                .filter(v -> !v.isEmpty() && !v.equals("NONE"));
    }
}
