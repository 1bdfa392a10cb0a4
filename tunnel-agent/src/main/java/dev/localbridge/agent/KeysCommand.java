package dev.localbridge.agent;

import dev.localbridge.agent.login.LoginException;
import dev.localbridge.agent.login.LoginState;
import dev.localbridge.agent.login.OidcException;
import dev.localbridge.agent.login.OidcHttp;
import dev.localbridge.agent.login.OidcTokenSource;
import dev.localbridge.agent.login.TokenRefresh;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code tunnel-agent keys create|list|revoke}: manages the access keys that let apps and containers call the user's
 * tunnel, through the gateway's API with the user's sign-in (keys cannot manage keys).
 */
@Command(name = "keys", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Manages access keys for apps and containers that call your tunnel (uses your sign-in).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class},
        footer = {"%nExit codes: 0 done, 1 the gateway refused or could not be reached, 2 bad usage, 4 the sign-in is"
                + " no longer valid, 5 not signed in."})
final class KeysCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--gateway", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "The gateway, as for the agent (TUNNEL_GATEWAY_URL): its API is at the root of that"
                    + " address.")
    String gateway;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: create, list or revoke.");
    }

    /** What every keys subcommand does: sign-in and gateway first, then its one call. */
    abstract static class KeysAction implements Callable<Integer> {

        @ParentCommand
        KeysCommand keys;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String gateway = keys.gateway != null ? keys.gateway : keys.main.gateway;
            if (gateway == null || gateway.isBlank()) {
                throw new ParameterException(spec.commandLine(),
                        "Missing gateway: pass --gateway URL or set TUNNEL_GATEWAY_URL.");
            }
            PrintWriter err = spec.commandLine().getErr();
            HttpClient client = OidcHttp.newClient();
            String accessToken;
            try {
                accessToken = freshLogin(client).accessToken();
            } catch (Main.NotSignedIn e) {
                err.println(e.getMessage());
                return Main.EXIT_NOT_SIGNED_IN;
            } catch (LoginException e) {
                err.println(OidcTokenSource.LOGIN_INVALID + " (" + e.getMessage() + ")");
                return Main.EXIT_LOGIN_INVALID;
            } catch (IOException e) {
                err.println("Cannot renew the sign-in: the identity provider cannot be reached (" + e + ").");
                return 1;
            }
            KeysClient api;
            try {
                api = new KeysClient(client, gateway, accessToken);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid option: " + e.getMessage());
            }
            try {
                return run(api, spec.commandLine().getOut());
            } catch (KeysClient.GatewayError e) {
                err.println(e.getMessage() + (e.status == 401 ? " (run `tunnel-agent login` again)" : ""));
                return 1;
            } catch (IOException e) {
                err.println("Cannot reach the gateway at " + api.keysUri() + " (" + e + ").");
                return 1;
            }
        }

        abstract int run(KeysClient api, PrintWriter out) throws IOException, KeysClient.GatewayError;

        /** The stored login, renewed first when its access token is expired or about to be. */
        private LoginState freshLogin(HttpClient client) throws IOException, LoginException {
            LoginState login = keys.main.storedLogin().orElseThrow(Main.NotSignedIn::new);
            if (login.accessTokenExpiresAt().isAfter(Instant.now().plusSeconds(30))) {
                return login;
            }
            try {
                LoginState renewed = new TokenRefresh(client).refresh(login);
                keys.main.loginStore().save(renewed);
                return renewed;
            } catch (OidcException e) {
                if (e.isTransient()) {
                    throw new IOException(e.getMessage(), e);
                }
                throw e;
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = "Creates a key and prints it (this once only).")
    static final class Create extends KeysAction {

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "A name for the key, unique among yours: 1-64 of A-Z a-z 0-9 . _ -")
        String name;

        @Option(names = "--expires-in-days", paramLabel = "DAYS",
                description = "Days until the key expires (default: the gateway's).")
        Integer expiresInDays;

        @Option(names = "--method", paramLabel = "METHOD",
                description = "Allow only this HTTP method (repeatable; default: any).")
        List<String> methods = new ArrayList<>();

        @Option(names = "--path-prefix", paramLabel = "PATH",
                description = "Allow only paths under this prefix, e.g. /api/tags (repeatable; default: any).")
        List<String> pathPrefixes = new ArrayList<>();

        @Override
        int run(KeysClient api, PrintWriter out) throws IOException, KeysClient.GatewayError {
            JsonObject key = api.create(name, expiresInDays, methods, pathPrefixes);
            out.println("Created key " + key.getValue("id") + " \"" + key.getValue("name") + "\", expires "
                    + instant(key.getValue("expiresAt"), "never") + ":");
            out.println(key.getString("key"));
            out.println("Copy it now: it will not be shown again.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Lists your keys (never their secrets).")
    static final class ListKeys extends KeysAction {

        @Override
        int run(KeysClient api, PrintWriter out) throws IOException, KeysClient.GatewayError {
            JsonArray list = api.list();
            if (list.isEmpty()) {
                out.println("No keys.");
                return 0;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "NAME", "CREATED", "EXPIRES", "LAST USED", "METHODS", "PATHS"});
            for (Object item : list) {
                JsonObject key = (JsonObject) item;
                rows.add(new String[] {String.valueOf(key.getValue("id")), String.valueOf(key.getValue("name")),
                    instant(key.getValue("createdAt"), "-"), instant(key.getValue("expiresAt"), "never"),
                    instant(key.getValue("lastUsedAt"), "never"), joined(key.getValue("methods")),
                    joined(key.getValue("pathPrefixes"))});
            }
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Revokes a key: it stops working on every gateway replica within a second.")
    static final class Revoke extends KeysAction {

        @Parameters(paramLabel = "ID", description = "The key's id (see 'keys list').")
        String id;

        @Override
        int run(KeysClient api, PrintWriter out) throws IOException, KeysClient.GatewayError {
            if (!id.matches("[A-Za-z0-9]{1,64}")) {
                throw new ParameterException(spec.commandLine(), "Not a key id: " + id);
            }
            if (api.revoke(id)) {
                out.println("Revoked key " + id + ".");
                return 0;
            }
            spec.commandLine().getErr().println("No key " + id + " (see 'tunnel-agent keys list').");
            return 1;
        }
    }

    /** An epoch-millisecond (or ISO-8601) time as ISO-8601, or {@code absent} when there is none. */
    static String instant(Object value, String absent) {
        if (value instanceof Number millis) {
            return Instant.ofEpochMilli(millis.longValue()).toString();
        }
        return value == null ? absent : value.toString();
    }

    private static String joined(Object value) {
        return value instanceof JsonArray list && !list.isEmpty()
                ? String.join(",", list.stream().map(String::valueOf).toList()) : "any";
    }
}
