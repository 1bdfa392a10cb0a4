package dev.localbridge.session.store;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.api.SessionFailure;
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
 * becomes {@link SessionFailure#storeUnavailable}. Blocking: call it from a virtual or worker thread.
 */
@ApplicationScoped
public class RedisScripts {

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final Duration timeout;
    private final String common;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();

    RedisScripts(ReactiveRedisDataSource redis, SessionConfig config) {
        this.redis = redis;
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
        Script script = scripts.computeIfAbsent(name, n -> new Script(common + "\n" + load(n)));
        List<String> tail = new ArrayList<>(args.size() + 1);
        tail.add(prefix);
        tail.addAll(args);
        try {
            return call("EVALSHA", script.sha, tail);
        } catch (SessionFailure failure) {
            if (failure.getCause() != null && String.valueOf(failure.getCause().getMessage()).startsWith("NOSCRIPT")) {
                return call("EVAL", script.source, tail);
            }
            throw failure;
        }
    }

    /** Runs script {@code name} with {@code ARGV = [prefix, args...]}. */
    public Response run(String name, String... args) {
        return run(name, List.of(args));
    }

    private Response call(String command, String scriptOrSha, List<String> argv) {
        String[] all = new String[argv.size() + 2];
        all[0] = scriptOrSha;
        all[1] = "0";
        for (int i = 0; i < argv.size(); i++) {
            all[i + 2] = argv.get(i);
        }
        try {
            return redis.execute(command, all).await().atMost(timeout);
        } catch (RuntimeException e) {
            throw SessionFailure.storeUnavailable(e);
        }
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
