package dev.localbridge.agent.login;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * One user's sign-in as kept in the login file: where it came from, how to renew it, and who it is.
 * {@link #toString()} shows no token.
 *
 * @param issuer                the provider's issuer as its discovery document spells it
 * @param clientId              the agent's client id at that provider
 * @param audience              the audience asked for at sign-in, or {@code null}
 * @param scope                 the scopes asked for at sign-in
 * @param tokenEndpoint         where the refresh token is exchanged
 * @param revocationEndpoint    where {@code logout} revokes it (RFC 7009), or {@code null} when not offered
 * @param accessToken           the token the agent presents to the gateway
 * @param accessTokenObtainedAt when it was received
 * @param accessTokenExpiresAt  when it expires
 * @param refreshToken          the refresh token, or {@code null} when the provider issued none
 * @param subject               the {@code sub} of the ID token (or of the access token when there is no ID token)
 * @param username              the {@code preferred_username} (else {@code email}), or {@code null}
 */
public record LoginState(String issuer, String clientId, String audience, String scope, URI tokenEndpoint,
        URI revocationEndpoint, String accessToken, Instant accessTokenObtainedAt, Instant accessTokenExpiresAt,
        String refreshToken, String subject, String username) {

    static final int FORMAT = 1;

    public LoginState {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(accessTokenObtainedAt, "accessTokenObtainedAt");
        Objects.requireNonNull(accessTokenExpiresAt, "accessTokenExpiresAt");
        Objects.requireNonNull(subject, "subject");
    }

    /** How the user is named in messages: the user name when the provider gave one, else the subject. */
    public String who() {
        return username != null ? username : subject;
    }

    /** This login with a renewed access token (and a rotated refresh token and updated names, when given). */
    LoginState renewed(String newAccessToken, Instant obtainedAt, Instant expiresAt, String newRefreshToken,
            String newSubject, String newUsername) {
        return new LoginState(issuer, clientId, audience, scope, tokenEndpoint, revocationEndpoint, newAccessToken,
                obtainedAt, expiresAt, newRefreshToken != null ? newRefreshToken : refreshToken,
                newSubject != null ? newSubject : subject, newSubject != null ? newUsername : username);
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("format", FORMAT)
                .put("issuer", issuer)
                .put("clientId", clientId)
                .put("audience", audience)
                .put("scope", scope)
                .put("tokenEndpoint", tokenEndpoint.toString())
                .put("revocationEndpoint", revocationEndpoint == null ? null : revocationEndpoint.toString())
                .put("accessToken", accessToken)
                .put("accessTokenObtainedAt", accessTokenObtainedAt.toString())
                .put("accessTokenExpiresAt", accessTokenExpiresAt.toString())
                .put("refreshToken", refreshToken)
                .put("subject", subject)
                .put("username", username);
    }

    static LoginState fromJson(JsonObject json) {
        if (json.getInteger("format", 0) != FORMAT) {
            throw new IllegalArgumentException("unknown login file format " + json.getValue("format"));
        }
        String revocation = json.getString("revocationEndpoint");
        return new LoginState(json.getString("issuer"), json.getString("clientId"), json.getString("audience"),
                json.getString("scope"), URI.create(json.getString("tokenEndpoint")),
                revocation == null ? null : URI.create(revocation), json.getString("accessToken"),
                Instant.parse(json.getString("accessTokenObtainedAt")),
                Instant.parse(json.getString("accessTokenExpiresAt")), json.getString("refreshToken"),
                json.getString("subject"), json.getString("username"));
    }

    @Override
    public String toString() {
        return "LoginState[issuer=" + issuer + ", clientId=" + clientId + ", audience=" + audience + ", subject="
                + subject + ", username=" + username + ", accessTokenExpiresAt=" + accessTokenExpiresAt
                + ", refreshToken=" + (refreshToken == null ? "none" : "present") + "]";
    }
}
