package dev.localbridge.agent.login;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an OpenID provider's discovery document says about it, as far as the agent needs it.
 *
 * <p>The document is trusted only for the issuer that was asked for: its {@code issuer} must be that issuer (trailing
 * slashes aside), otherwise one provider could speak for another (OpenID Connect Discovery 1.0, section 4.3). Every
 * endpoint must be {@code https}, except on this machine's loopback address, so that codes and tokens never cross a
 * network in clear.
 *
 * @param issuer                      the issuer exactly as the provider spells it (ID tokens must carry this value)
 * @param authorizationEndpoint       where the browser signs in (authorization code flow)
 * @param tokenEndpoint               where codes and refresh tokens are exchanged
 * @param deviceAuthorizationEndpoint the device authorization endpoint (RFC 8628), or {@code null} when not offered
 * @param revocationEndpoint          the revocation endpoint (RFC 7009), or {@code null} when not offered
 * @param codeChallengeMethods        the PKCE methods the provider names; empty when it names none
 */
public record OidcProvider(String issuer, URI authorizationEndpoint, URI tokenEndpoint,
        URI deviceAuthorizationEndpoint, URI revocationEndpoint, List<String> codeChallengeMethods) {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    /** Fetches and checks {@code <issuer>/.well-known/openid-configuration}. */
    public static OidcProvider discover(HttpClient client, String issuer) throws LoginException {
        URI issuerUri = secure(issuer, "issuer");
        String base = trimSlashes(issuer);
        URI documentUri = URI.create(base + "/.well-known/openid-configuration");
        JsonObject document;
        try {
            document = new OidcHttp(client).get(documentUri);
        } catch (IOException e) {
            throw new LoginException("cannot reach the identity provider at " + issuerUri + " (" + e + ")", e);
        } catch (OidcException e) {
            throw new LoginException("the identity provider's discovery document " + documentUri
                    + " could not be read: " + e.getMessage(), e);
        }
        String named = text(document, "issuer");
        if (named == null || !trimSlashes(named).equals(base)) {
            throw new LoginException("the discovery document of " + issuer + " names another issuer ("
                    + named + "): refused");
        }
        URI token = endpoint(document, "token_endpoint");
        if (token == null) {
            throw new LoginException("the identity provider's discovery document names no token_endpoint");
        }
        JsonArray methods = document.getValue("code_challenge_methods_supported") instanceof JsonArray array
                ? array : new JsonArray();
        return new OidcProvider(named, endpoint(document, "authorization_endpoint"), token,
                endpoint(document, "device_authorization_endpoint"), endpoint(document, "revocation_endpoint"),
                methods.stream().map(String::valueOf).toList());
    }

    /** {@code value} as a URI if it is {@code https}, or {@code http} on the loopback address; else refused. */
    static URI secure(String value, String what) throws LoginException {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new LoginException("the " + what + " is not a valid URL: " + value);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.isEmpty() || !(scheme.equals("https") || scheme.equals("http") && LOOPBACK_HOSTS.contains(host))) {
            throw new LoginException("the " + what + " must be an https:// URL (http:// only on this machine's"
                    + " loopback address): " + value);
        }
        return uri;
    }

    private static URI endpoint(JsonObject document, String name) throws LoginException {
        String value = text(document, name);
        return value == null ? null : secure(value, name + " of the identity provider");
    }

    private static String text(JsonObject document, String name) {
        return document.getValue(name) instanceof String s && !s.isBlank() ? s.strip() : null;
    }

    private static String trimSlashes(String url) {
        String s = url.strip();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
