package dev.localbridge.session.store;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.api.SessionFailure;
import dev.localbridge.session.metrics.SessionMetrics;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the Lua scripts in {@code src/main/resources/lua} by {@code EVALSHA}, falling back to {@code EVAL} when Redis
 * has forgotten them (after a restart). Every call is bounded by {@code tunnel.redis.timeout}; any Redis failure
 * becomes {@link SessionFailure#storeUnavailable} and is counted in {@code localbridge_session_store_errors_total}
 * with the script's name as {@code operation}. Blocking: call it from a virtual or worker thread.
 */
@ApplicationScoped
public class RedisScripts {

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final Duration timeout;
    private final String common;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final SessionMetrics metrics;

    RedisScripts(ReactiveRedisDataSource redis, SessionConfig config, SessionMetrics metrics) {
        this.redis = redis;
        this.metrics = metrics;
        this.prefix = config.redis().keyPrefix();
        this.timeout = Duration.ofMillis(config.redis().timeout());
        this.common = load("common");
    }

    /** The key prefix every script receives as {@code ARGV[1]}. */
    public String prefix() {
        return prefix;
    }

    /** Runs script {@code name} with {@code ARGV = [prefix, args...]}. */
    public Response run(String name, List<String> args) {
        Script script = scripts.computeIfAbsent(name, n -> {
            metrics.storeOperation(n);
            return new Script(common + "\n" + load(n));
        });
        List<String> tail = new ArrayList<>(args.size() + 1);
        tail.add(prefix);
        tail.addAll(args);
        try {
            return evaluate(script, tail);
        } catch (RuntimeException e) {
            metrics.storeError(name);
            throw SessionFailure.storeUnavailable(e);
        }
    }

    /** Runs script {@code name} with {@code ARGV = [prefix, args...]}. */
    public Response run(String name, String... args) {
        return run(name, List.of(args));
    }

    private Response evaluate(Script script, List<String> argv) {
        try {
            return call("EVALSHA", script.sha, argv);
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                throw e;
            }
            // Redis forgot the script (restarted or flushed): not a store failure, send it once in full
            return call("EVAL", script.source, argv);
        }
    }

    private Response call(String command, String scriptOrSha, List<String> argv) {
        String[] all = new String[argv.size() + 2];
        all[0] = scriptOrSha;
        all[1] = "0";
        for (int i = 0; i < argv.size(); i++) {
            all[i + 2] = argv.get(i);
        }
        return redis.execute(command, all).await().atMost(timeout);
    }

    private static String load(String name) {
        try (InputStream in = RedisScripts.class.getResourceAsStream("/lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Script(String source, String sha) {
        Script(String source) {
            this(source, sha1(source));
        }

        private static String sha1(String source) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
