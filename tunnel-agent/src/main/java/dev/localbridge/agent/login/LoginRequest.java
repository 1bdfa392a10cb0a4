package dev.localbridge.agent.login;

import java.util.Objects;

/**
 * What the user asks the provider for.
 *
 * @param clientId the agent's (public) client id at the provider
 * @param audience the API the access token is for, sent as {@code audience} (Auth0 needs it to issue a JWT for the
 *                 gateway; Keycloak sets the audience with a mapper instead), or {@code null}
 * @param scope    space-separated scopes; {@code openid} is always among them
 */
public record LoginRequest(String clientId, String audience, String scope) {

    /** Asked for when the user names no scope: who the user is, nothing more. */
    public static final String DEFAULT_SCOPE = "openid profile";

    public LoginRequest {
        Objects.requireNonNull(clientId, "clientId");
        audience = audience == null || audience.isBlank() ? null : audience.strip();
        scope = scope == null || scope.isBlank() ? DEFAULT_SCOPE : scope.strip();
        if (!(" " + scope + " ").contains(" openid ")) {
            scope = "openid " + scope;
        }
    }
}
