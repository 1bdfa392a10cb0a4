package dev.localbridge.agent;

import dev.localbridge.agent.login.Browser;
import dev.localbridge.agent.login.LoginState;
import dev.localbridge.agent.login.LoginStore;
import dev.localbridge.agent.login.OidcHttp;
import dev.localbridge.agent.login.OidcTokenSource;
import dev.localbridge.protocol.TunnelProtocol;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code tunnel-agent} command: parses the options (with environment fallbacks), starts a {@link TunnelAgent} on
 * its own Vert.x instance and runs until Ctrl-C, then closes the tunnel cleanly. Without a token it uses the user's
 * login ({@code tunnel-agent login}), renewed in the background. Exit code 2 on bad usage, 3 when the tunnel's user
 * closed their tunnels (the agent then stops on its own), 4 when the identity provider refuses to renew the login, 5
 * when there is neither a token nor a login.
 */
@Command(name = "tunnel-agent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        subcommands = {LoginCommand.class, LogoutCommand.class, WhoamiCommand.class, KeysCommand.class},
        description = {"Opens an outbound WebSocket tunnel to a LocalBridge gateway and forwards every request that"
                + " arrives through it to one local HTTP service (Ollama on http://localhost:11434 by default)."
                + " Reconnects on its own; runs until Ctrl-C. Without --token or --token-file it uses the sign-in"
                + " of 'tunnel-agent login'.", ""},
        footerHeading = "%nEnvironment (used when the option is not given):%n",
        footer = {
            "  TUNNEL_GATEWAY_URL     --gateway",
            "  TUNNEL_TOKEN           --token",
            "  TUNNEL_TOKEN_FILE      --token-file",
            "  TUNNEL_TARGET          --target",
            "  TUNNEL_PING_INTERVAL   --ping-interval (milliseconds)",
            "  TUNNEL_MAX_STREAMS     --max-streams",
            "  TUNNEL_CONFIG_DIR      --config-dir",
            "%nExit codes: 0 stopped by Ctrl-C, 2 bad usage, 3 the tunnel's user closed their tunnels (the gateway"
                    + " closed it with 4410), 4 the sign-in is no longer valid (run 'tunnel-agent login' again), 5"
                    + " neither a token nor a sign-in."})
public final class Main implements Callable<Integer> {

    private static final Map<String, String> ENV_VARS = Map.ofEntries(
            Map.entry("--gateway", "TUNNEL_GATEWAY_URL"),
            Map.entry("--token", "TUNNEL_TOKEN"),
            Map.entry("--token-file", "TUNNEL_TOKEN_FILE"),
            Map.entry("--target", "TUNNEL_TARGET"),
            Map.entry("--ping-interval", "TUNNEL_PING_INTERVAL"),
            Map.entry("--max-streams", "TUNNEL_MAX_STREAMS"),
            Map.entry("--config-dir", "TUNNEL_CONFIG_DIR"),
            Map.entry("--issuer", "TUNNEL_LOGIN_ISSUER"),
            Map.entry("--client-id", "TUNNEL_LOGIN_CLIENT_ID"),
            Map.entry("--audience", "TUNNEL_LOGIN_AUDIENCE"),
            Map.entry("--scope", "TUNNEL_LOGIN_SCOPE"),
            Map.entry("--no-browser", "TUNNEL_NO_BROWSER"));

    /** Exit code when the identity provider refuses to renew the login. */
    static final int EXIT_LOGIN_INVALID = 4;
    /** Exit code when there is neither a token nor a login. */
    static final int EXIT_NOT_SIGNED_IN = 5;

    private static final Map<String, String> BUILT_IN_DEFAULTS = Map.of(
            "--target", AgentConfig.DEFAULT_TARGET.toString(),
            "--ping-interval", Long.toString(AgentConfig.DEFAULT_PING_INTERVAL.toMillis()),
            "--max-streams", Integer.toString(AgentConfig.DEFAULT_MAX_CONCURRENT_STREAMS));

    @Spec
    CommandSpec spec;

    @Option(names = "--gateway", paramLabel = "URL",
            description = "Gateway address: http(s)://host (mapped to ws(s)://) or ws(s)://host. Without a path,"
                    + " /ws/tunnel is used. Example: https://bridge.example.com")
    String gateway;

    @Option(names = "--token", paramLabel = "JWT",
            description = "Token sent as 'Authorization: Bearer'. Prefer --token-file: command-line arguments are"
                    + " visible to other users of this machine.")
    String token;

    @Option(names = "--token-file", paramLabel = "PATH",
            description = "File that holds the token; re-read before every connection, so a renewed token is used"
                    + " without a restart.")
    Path tokenFile;

    @Option(names = "--target", paramLabel = "URL",
            description = "The local service to forward to, http:// or https://, may include a base path (default:"
                    + " http://localhost:11434). Requests never go anywhere else.")
    String target;

    @Option(names = "--forward-authorization",
            description = "Pass the caller's Authorization header on to the target (dropped by default).")
    boolean forwardAuthorization;

    @Option(names = "--forward-cookies",
            description = "Pass the caller's Cookie header on to the target (dropped by default).")
    boolean forwardCookies;

    @Option(names = "--ping-interval", paramLabel = "MS",
            description = "Keepalive ping interval in milliseconds (default: 30000); a gateway silent for three"
                    + " intervals is dropped and the tunnel reopened.")
    long pingIntervalMillis;

    @Option(names = "--max-streams", paramLabel = "N",
            description = "Requests in flight per tunnel before new ones are refused (default: 100).")
    int maxStreams;

    @Option(names = "--config-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Where the sign-in is kept (login.json). Default: $XDG_CONFIG_HOME/localbridge, else"
                    + " ~/.config/localbridge.")
    Path configDir;

    /** The environment the options fall back to; {@link #commandLine} sets it. */
    Function<String, String> env = System::getenv;
    /** Opens the browser for {@code login}; the system's, unless a test sets another. */
    Browser browser = address -> Browser.system(env).open(address);
    /** Ends the process with an exit code when the login stops being valid while the agent runs. */
    IntConsumer exit = System::exit;
    /** The login in use when the agent runs without a token; started by {@link #call()}. */
    OidcTokenSource login;

    /** Runs the command; exits with its exit code. */
    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %5$s%6$s%n");
        }
        System.exit(commandLine(new Main(), System::getenv).execute(args));
    }

    /** The picocli command line for {@code main}, with option defaults taken from {@code env} (tests pass a map). */
    static CommandLine commandLine(Main main, Function<String, String> env) {
        main.env = env;
        return new CommandLine(main)
                .setDefaultValueProvider(arg -> defaultValue(arg, env))
                .setParameterExceptionHandler((e, args) -> {
                    CommandLine cmd = e.getCommandLine();
                    cmd.getErr().println(e.getMessage());
                    cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
                    return cmd.getCommandSpec().exitCodeOnInvalidInput();
                });
    }

    private static String defaultValue(ArgSpec arg, Function<String, String> env) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String var = ENV_VARS.get(option.longestName());
        String value = var == null ? null : env.apply(var);
        return value != null && !value.isBlank() ? value.strip() : BUILT_IN_DEFAULTS.get(option.longestName());
    }

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig config;
        try {
            config = config();
        } catch (NotSignedIn e) {
            spec.commandLine().getErr().println(e.getMessage());
            return EXIT_NOT_SIGNED_IN;
        }
        Logger log = Logger.getLogger(Main.class.getName());
        Vertx vertx = Vertx.vertx();
        TunnelAgent agent = new TunnelAgent(vertx, config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: closing the tunnel");
            await(agent.close().toCompletionStage().toCompletableFuture()::get);
            await(vertx.close().toCompletionStage().toCompletableFuture()::get);
            stopped.countDown();
        }, "tunnel-agent-shutdown"));
        log.info("tunnel-agent " + Version.version() + " starting: gateway=" + GatewayUrl.redact(config.gatewayUrl())
                + " target=" + config.targetUrl());
        if (login != null) {
            log.info("using the sign-in of " + login.login().who() + " (issuer " + login.login().issuer() + ")");
            login.start();
        }
        AtomicInteger exitCode = new AtomicInteger();
        agent.stopped().onSuccess(code -> {
            exitCode.set(3);
            stopped.countDown();
        });
        agent.start();
        stopped.await();
        return exitCode.get();
    }

    /**
     * The agent configuration the options describe; a {@link ParameterException} (exit code 2) when they are bad, a
     * {@link NotSignedIn} when there is neither a token nor a login.
     */
    AgentConfig config() {
        CommandLine cmd = spec.commandLine();
        if (gateway == null || gateway.isBlank()) {
            throw new ParameterException(cmd, "Missing gateway: pass --gateway URL or set TUNNEL_GATEWAY_URL.");
        }
        boolean tokenGiven = spec.commandLine().getParseResult().hasMatchedOption("--token");
        boolean fileGiven = spec.commandLine().getParseResult().hasMatchedOption("--token-file");
        if (tokenGiven && fileGiven) {
            throw new ParameterException(cmd, "Use either --token or --token-file, not both.");
        }
        TokenSource tokens;
        if (fileGiven || (!tokenGiven && token == null && tokenFile != null)) {
            if (!Files.isReadable(tokenFile)) {
                throw new ParameterException(cmd, "Cannot read the token file " + tokenFile + ".");
            }
            tokens = tokenFromFile(tokenFile);
        } else if (token != null && !token.isBlank()) {
            String fixed = token.strip();
            tokens = () -> fixed;
        } else {
            LoginState state = storedLogin().orElseThrow(NotSignedIn::new);
            login = new OidcTokenSource(loginStore(), state, OidcHttp.newClient(),
                    () -> exit.accept(EXIT_LOGIN_INVALID));
            tokens = login;
        }
        if (pingIntervalMillis < 1) {
            throw new ParameterException(cmd, "--ping-interval must be at least 1 ms.");
        }
        if (maxStreams < 1) {
            throw new ParameterException(cmd, "--max-streams must be at least 1.");
        }
        try {
            return AgentConfig.ofTokenSource(gateway, tokens)
                    .withTargetUrl(target)
                    .withForwardAuthorization(forwardAuthorization)
                    .withForwardCookies(forwardCookies)
                    .withPingInterval(Duration.ofMillis(pingIntervalMillis))
                    .withMaxConcurrentStreams(maxStreams);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, "Invalid option: " + e.getMessage());
        }
    }

    /** Where the login is kept: {@code --config-dir}, else the user's configuration directory. */
    LoginStore loginStore() {
        return new LoginStore(configDir != null ? configDir : LoginStore.defaultDirectory(env));
    }

    /** The stored login; empty when there is none, a {@link NotSignedIn} when the file cannot be read. */
    Optional<LoginState> storedLogin() {
        try {
            return loginStore().load();
        } catch (IOException e) {
            throw new NotSignedIn(e.getMessage());
        }
    }

    /** Neither a token nor a usable login: the agent cannot authenticate (exit code 5). */
    static final class NotSignedIn extends RuntimeException {

        NotSignedIn() {
            this("Not signed in and no token: run `tunnel-agent login`, or pass --token-file PATH (or set"
                    + " TUNNEL_TOKEN_FILE or TUNNEL_TOKEN).");
        }

        NotSignedIn(String message) {
            super(message);
        }
    }

    /** Reads the token from the file at every call, so that a renewed token is used on the next connection. */
    static TokenSource tokenFromFile(Path file) {
        return () -> {
            try {
                String value = Files.readString(file).strip();
                if (value.isEmpty()) {
                    throw new IllegalStateException("token file " + file + " is empty");
                }
                return value;
            } catch (IOException e) {
                throw new UncheckedIOException("token file " + file + " cannot be read (" + e + ")", e);
            }
        };
    }

    private interface Wait {
        Object get(long timeout, TimeUnit unit) throws Exception;
    }

    private static void await(Wait wait) {
        try {
            wait.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Shutting down anyway; nothing useful to do with a slow or failed close.
        }
    }

    /** Reports the version that Maven wrote into {@code tunnel-agent-version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("/tunnel-agent-version.properties")) {
                Properties p = new Properties();
                if (in != null) {
                    p.load(in);
                }
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }

        @Override
        public String[] getVersion() {
            return new String[] {"tunnel-agent " + version(), "protocol " + TunnelProtocol.SUBPROTOCOL_V2};
        }
    }
}
