package dev.localbridge.agent.login;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The refresh grant (RFC 6749, section 6): a new access token for a stored login. */
public final class TokenRefresh {

    private final OidcHttp http;
    private final Clock clock;

    public TokenRefresh(HttpClient client) {
        this(client, Clock.systemUTC());
    }

    TokenRefresh(HttpClient client, Clock clock) {
        this.http = new OidcHttp(client);
        this.clock = clock;
    }

    /**
     * The login with a new access token. An {@link IOException} when the provider cannot be reached, an
     * {@link OidcException} when it refuses ({@link OidcException#isTransient()} tells a failing provider from a
     * revoked grant), a {@link LoginException} when there is no refresh token or the answer is unusable.
     */
    public LoginState refresh(LoginState login) throws IOException, LoginException {
        if (login.refreshToken() == null) {
            throw new LoginException("the identity provider issued no refresh token, so the sign-in cannot be"
                    + " renewed");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", login.refreshToken());
        form.put("client_id", login.clientId());
        return Tokens.renewed(login, http.postForm(login.tokenEndpoint(), form), clock);
    }

    /**
     * Revokes the login's refresh token (RFC 7009; most providers end the whole grant with it), or its access token
     * when there is no refresh token. Whether the provider offers revocation at all.
     */
    public boolean revoke(LoginState login) throws IOException, OidcException {
        if (login.revocationEndpoint() == null) {
            return false;
        }
        boolean refresh = login.refreshToken() != null;
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", refresh ? login.refreshToken() : login.accessToken());
        form.put("token_type_hint", refresh ? "refresh_token" : "access_token");
        form.put("client_id", login.clientId());
        http.postForm(login.revocationEndpoint(), form);
        return true;
    }
}
