package dev.localbridge.agent.login;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sign-in for a machine without a browser: the device authorization grant (RFC 8628). Prints the verification address
 * and the code, then polls the token endpoint at the interval the provider asks for, five seconds slower after each
 * {@code slow_down}, until the user approves, denies, or the code expires.
 */
public final class DeviceLogin {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    private static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    /** Waits between polls; tests record the waits instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final OidcHttp http;
    private final OidcProvider provider;
    private final LoginRequest request;
    private final PrintWriter out;
    private final Sleeper sleeper;
    private final Clock clock;

    public DeviceLogin(HttpClient client, OidcProvider provider, LoginRequest request, PrintWriter out) {
        this(client, provider, request, out, duration -> Thread.sleep(duration.toMillis()), Clock.systemUTC());
    }

    DeviceLogin(HttpClient client, OidcProvider provider, LoginRequest request, PrintWriter out, Sleeper sleeper,
            Clock clock) {
        this.http = new OidcHttp(client);
        this.provider = provider;
        this.request = request;
        this.out = out;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    public LoginState run() throws LoginException, InterruptedException {
        if (provider.deviceAuthorizationEndpoint() == null) {
            throw new LoginException("the identity provider offers no device sign-in (no"
                    + " device_authorization_endpoint): sign in without --device");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", request.clientId());
        form.put("scope", request.scope());
        form.put("audience", request.audience());
        JsonObject grant;
        try {
            grant = http.postForm(provider.deviceAuthorizationEndpoint(), form);
        } catch (IOException e) {
            throw new LoginException("cannot reach the identity provider (" + e + ")", e);
        }
        String deviceCode = text(grant, "device_code");
        String userCode = text(grant, "user_code");
        String verificationUri = text(grant, "verification_uri");
        if (deviceCode == null || userCode == null || verificationUri == null) {
            throw new LoginException("the identity provider's device authorization answer is incomplete");
        }
        out.println("To sign in, open " + verificationUri + " and enter the code " + userCode);
        String complete = text(grant, "verification_uri_complete");
        if (complete != null) {
            out.println("Or open: " + complete);
        }
        out.flush();
        Duration interval = grant.getValue("interval") instanceof Number n && n.longValue() > 0
                ? Duration.ofSeconds(n.longValue()) : DEFAULT_INTERVAL;
        Instant deadline = grant.getValue("expires_in") instanceof Number n
                ? clock.instant().plusSeconds(n.longValue()) : null;
        Map<String, String> poll = new LinkedHashMap<>();
        poll.put("grant_type", GRANT_TYPE);
        poll.put("device_code", deviceCode);
        poll.put("client_id", request.clientId());
        while (true) {
            sleeper.sleep(interval);
            if (deadline != null && clock.instant().isAfter(deadline)) {
                throw expired();
            }
            try {
                return Tokens.signedIn(provider, request, http.postForm(provider.tokenEndpoint(), poll), null, clock);
            } catch (OidcException e) {
                switch (e.error()) {
                    case "authorization_pending" -> { }
                    case "slow_down" -> interval = interval.plus(SLOW_DOWN_STEP);
                    case "expired_token" -> throw expired();
                    case "access_denied" -> throw new LoginException("the sign-in was denied at the identity"
                            + " provider");
                    default -> {
                        if (!e.isTransient()) {
                            throw e;
                        }
                    }
                }
            } catch (IOException e) {
                // The provider is briefly unreachable: the code stays valid, so keep polling.
            }
        }
    }

    private static LoginException expired() {
        return new LoginException("the code expired before the sign-in was approved: run the login again");
    }

    private static String text(JsonObject json, String name) {
        return json.getValue(name) instanceof String s && !s.isBlank() ? s : null;
    }
}
