package dev.localbridge.agent.login;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a token endpoint's answer into a {@link LoginState}, checking the ID token's issuer, audience, expiry and (for
 * the browser flow) nonce. The signature is not checked: the answer came straight from the token endpoint over TLS
 * (OpenID Connect Core, section 3.1.3.7).
 */
final class Tokens {

    /** Assumed when neither {@code expires_in} nor the access token says how long it lives. */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private Tokens() {
    }

    static LoginState signedIn(OidcProvider provider, LoginRequest request, JsonObject answer, String nonce,
            Clock clock) throws LoginException {
        Instant now = clock.instant();
        String accessToken = accessToken(answer);
        JsonObject identity = identity(answer, provider.issuer(), request.clientId(), nonce, now)
                .or(() -> Jwt.claims(accessToken))
                .orElseThrow(() -> new LoginException("the identity provider returned neither an ID token nor an"
                        + " access token that says who signed in"));
        String subject = identity.getValue("sub") instanceof String s && !s.isBlank() ? s : null;
        if (subject == null) {
            throw new LoginException("the identity provider's tokens name no subject (sub)");
        }
        return new LoginState(provider.issuer(), request.clientId(), request.audience(), request.scope(),
                provider.tokenEndpoint(), provider.revocationEndpoint(), accessToken, now,
                expiry(answer, accessToken, now), refreshToken(answer), subject, username(identity));
    }

    static LoginState renewed(LoginState old, JsonObject answer, Clock clock) throws LoginException {
        Instant now = clock.instant();
        String accessToken = accessToken(answer);
        Optional<JsonObject> identity = identity(answer, old.issuer(), old.clientId(), null, now);
        String subject = identity.map(claims -> claims.getValue("sub") instanceof String s ? s : null).orElse(null);
        if (subject != null && !subject.equals(old.subject())) {
            throw new LoginException("the renewed sign-in is for another user (" + subject + ", was "
                    + old.subject() + "): refused");
        }
        return old.renewed(accessToken, now, expiry(answer, accessToken, now), refreshToken(answer), subject,
                identity.map(Tokens::username).orElse(null));
    }

    private static String accessToken(JsonObject answer) throws LoginException {
        if (!(answer.getValue("access_token") instanceof String token) || token.isBlank()) {
            throw new LoginException("the identity provider's answer holds no access token");
        }
        if (answer.getValue("token_type") instanceof String type && !type.equalsIgnoreCase("bearer")) {
            throw new LoginException("the identity provider issued a " + type + " token; the gateway takes Bearer"
                    + " tokens only");
        }
        return token;
    }

    private static String refreshToken(JsonObject answer) {
        return answer.getValue("refresh_token") instanceof String token && !token.isBlank() ? token : null;
    }

    private static Instant expiry(JsonObject answer, String accessToken, Instant now) {
        if (answer.getValue("expires_in") instanceof Number seconds && seconds.longValue() > 0) {
            return now.plusSeconds(seconds.longValue());
        }
        return Jwt.claims(accessToken)
                .filter(claims -> claims.getValue("exp") instanceof Number)
                .map(claims -> Instant.ofEpochSecond(claims.getLong("exp")))
                .orElse(now.plus(DEFAULT_LIFETIME));
    }

    private static Optional<JsonObject> identity(JsonObject answer, String issuer, String clientId, String nonce,
            Instant now) throws LoginException {
        if (!(answer.getValue("id_token") instanceof String idToken)) {
            if (nonce != null) {
                throw new LoginException("the identity provider returned no ID token for the openid scope");
            }
            return Optional.empty();
        }
        JsonObject claims = Jwt.claims(idToken)
                .orElseThrow(() -> new LoginException("the identity provider's ID token cannot be read"));
        if (!issuer.equals(claims.getValue("iss"))) {
            throw new LoginException("the ID token comes from another issuer (" + claims.getValue("iss")
                    + "): refused");
        }
        Object aud = claims.getValue("aud");
        boolean forUs = aud instanceof String s ? s.equals(clientId)
                : aud instanceof JsonArray list && list.contains(clientId);
        if (!forUs) {
            throw new LoginException("the ID token is not for this client (aud " + aud + "): refused");
        }
        if (nonce != null && !nonce.equals(claims.getValue("nonce"))) {
            throw new LoginException("the ID token does not belong to this sign-in (nonce mismatch): refused");
        }
        if (claims.getValue("exp") instanceof Number exp
                && Instant.ofEpochSecond(exp.longValue()).isBefore(now.minus(CLOCK_SKEW))) {
            throw new LoginException("the ID token has already expired: check this machine's clock");
        }
        return Optional.of(claims);
    }

    private static String username(JsonObject claims) {
        for (String name : new String[] {"preferred_username", "email"}) {
            if (claims.getValue(name) instanceof String value && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
