package dev.localbridge.agent;

import dev.localbridge.agent.login.Browser;
import dev.localbridge.agent.login.BrowserLogin;
import dev.localbridge.agent.login.DeviceLogin;
import dev.localbridge.agent.login.LoginException;
import dev.localbridge.agent.login.LoginRequest;
import dev.localbridge.agent.login.LoginState;
import dev.localbridge.agent.login.OidcHttp;
import dev.localbridge.agent.login.OidcProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tunnel-agent login}: signs the user in at an OpenID provider — in the browser (authorization code with PKCE,
 * loopback redirect) or with {@code --device} (device authorization grant) — and keeps the tokens in the login file.
 */
@Command(name = "login", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Signs in at your identity provider (any OpenID Connect provider: Keycloak, Auth0, ...) and"
                + " keeps the sign-in in login.json (readable only by you) for the agent to use and renew.", ""},
        footerHeading = "%nEnvironment (used when the option is not given):%n",
        footer = {
            "  TUNNEL_LOGIN_ISSUER     --issuer",
            "  TUNNEL_LOGIN_CLIENT_ID  --client-id",
            "  TUNNEL_LOGIN_AUDIENCE   --audience",
            "  TUNNEL_LOGIN_SCOPE      --scope",
            "  TUNNEL_NO_BROWSER=true  --no-browser",
            "  TUNNEL_CONFIG_DIR       --config-dir",
            "%nExit codes: 0 signed in, 1 the sign-in failed, 2 bad usage."})
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--issuer", paramLabel = "URL",
            description = "The provider's issuer, e.g. https://sso.example.com/realms/localbridge (Keycloak) or"
                    + " https://example.eu.auth0.com/ (Auth0).")
    String issuer;

    @Option(names = "--client-id", paramLabel = "ID", description = "The agent's public client at the provider.")
    String clientId;

    @Option(names = "--audience", paramLabel = "A",
            description = "The API the access token is for (Auth0: the gateway's API identifier).")
    String audience;

    @Option(names = "--scope", paramLabel = "SCOPES",
            description = "Space-separated scopes (default: \"" + LoginRequest.DEFAULT_SCOPE + "\"; Auth0 issues a"
                    + " refresh token only with offline_access).")
    String scope;

    @Option(names = "--device",
            description = "Sign in on another device: prints an address and a code (for machines without a browser).")
    boolean device;

    @Option(names = "--no-browser", description = "Do not try to open a browser; only print the address.")
    boolean noBrowser;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for the browser sign-in (default: 300).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        if (issuer == null || issuer.isBlank()) {
            throw new ParameterException(spec.commandLine(),
                    "Missing issuer: pass --issuer URL or set TUNNEL_LOGIN_ISSUER.");
        }
        if (clientId == null || clientId.isBlank()) {
            throw new ParameterException(spec.commandLine(),
                    "Missing client id: pass --client-id ID or set TUNNEL_LOGIN_CLIENT_ID.");
        }
        if (timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second.");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpClient client = OidcHttp.newClient();
        LoginRequest request = new LoginRequest(clientId.strip(), audience, scope);
        LoginState login;
        try {
            OidcProvider provider = OidcProvider.discover(client, issuer.strip());
            login = device
                    ? new DeviceLogin(client, provider, request, out).run()
                    : new BrowserLogin(client, provider, request, out,
                            noBrowser ? Browser.NONE : main.browser, Duration.ofSeconds(timeoutSeconds)).run();
        } catch (LoginException e) {
            err.println("Sign-in failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Sign-in interrupted.");
            return 1;
        }
        try {
            main.loginStore().save(login);
        } catch (IOException e) {
            err.println("Signed in, but the sign-in cannot be saved to " + main.loginStore().file() + ": "
                    + e.getMessage());
            return 1;
        }
        out.println(signedIn(login));
        if (login.refreshToken() == null) {
            err.println("Note: the identity provider issued no refresh token, so the agent stops when this access"
                    + " token expires (Auth0: add offline_access to --scope).");
        }
        return 0;
    }

    /** {@code Signed in as <who> (issuer <issuer>), access token valid until <instant>}. */
    static String signedIn(LoginState login) {
        return "Signed in as " + login.who() + " (issuer " + login.issuer() + "), access token valid until "
                + login.accessTokenExpiresAt().truncatedTo(ChronoUnit.SECONDS);
    }
}
