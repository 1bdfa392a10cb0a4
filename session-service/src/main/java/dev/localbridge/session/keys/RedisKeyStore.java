package dev.localbridge.session.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.localbridge.session.api.SessionFailure;
import dev.localbridge.session.store.RedisScripts;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Access keys in Redis (see README, "Redis layout"): the record {@code <p>key:<id>} (hash), {@code <p>keyhash:<hash>}
 * → id and {@code <p>user:<userId>:keys} (name → id); a key with {@code expiresAt} expires in Redis at that time.
 * Every operation is one Lua script.
 */
@ApplicationScoped
@Typed(RedisKeyStore.class)
class RedisKeyStore implements KeyStore {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    /** Attempts with a fresh id when a random id is taken (about 1 in 10^31 per key). */
    private static final int ID_ATTEMPTS = 3;

    private final RedisScripts scripts;
    private final ObjectMapper json;

    RedisKeyStore(RedisScripts scripts, ObjectMapper json) {
        this.scripts = scripts;
        this.json = json;
    }

    @Override
    public KeyRecord create(String userId, NewKey key, int maxKeys) {
        for (int attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
            String id = KeyIds.next();
            Response r = scripts.run("key-create", userId, id, key.name(), key.keyHash(),
                    key.expiresAt() == null ? "" : Long.toString(key.expiresAt()), encode(key.methods()),
                    encode(key.pathPrefixes()), Integer.toString(maxKeys));
            switch (r.get(0).toString()) {
                case "created" -> {
                    return new KeyRecord(id, userId, key.name(), r.get(1).toLong(), key.expiresAt(), null,
                            key.methods(), key.pathPrefixes());
                }
                case "expired" -> throw SessionFailure.badRequest("expiresAt must be in the future");
                case "name" -> throw SessionFailure.keyNameTaken(key.name());
                case "limit" -> throw SessionFailure.tooManyKeys(maxKeys);
                case "hash" -> throw SessionFailure.keyHashTaken();
                default -> {
                    // "id": the random id is taken, try another
                }
            }
        }
        throw new IllegalStateException("no free key id after " + ID_ATTEMPTS + " attempts");
    }

    @Override
    public List<KeyRecord> list(String userId) {
        Response r = scripts.run("key-list", userId);
        List<KeyRecord> keys = new ArrayList<>(r.size());
        for (Response fields : r) {
            keys.add(record(fields));
        }
        keys.sort(Comparator.comparingLong(KeyRecord::createdAt).thenComparing(KeyRecord::id));
        return keys;
    }

    @Override
    public Optional<KeyRecord> revoke(String userId, String keyId) {
        Response r = scripts.run("key-revoke", userId, keyId);
        return r.size() == 0 ? Optional.empty() : Optional.of(record(r));
    }

    @Override
    public Optional<KeyRecord> byHash(String keyHash) {
        Response r = scripts.run("key-by-hash", keyHash);
        return r.size() == 0 ? Optional.empty() : Optional.of(record(r));
    }

    @Override
    public void recordUse(List<KeyUsage.Use> used) {
        if (used.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(2 * used.size());
        for (KeyUsage.Use use : used) {
            args.add(use.keyId());
            args.add(Long.toString(use.at()));
        }
        scripts.run("key-usage", args);
    }

    private KeyRecord record(Response flat) {
        Map<String, String> f = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            f.put(flat.get(i).toString(), flat.get(i + 1).toString());
        }
        return new KeyRecord(f.get("id"), f.get("userId"), f.get("name"), Long.parseLong(f.get("createdAt")),
                number(f.get("expiresAt")), number(f.get("lastUsedAt")), decode(f.get("methods")),
                decode(f.get("pathPrefixes")));
    }

    private static Long number(String value) {
        return value == null ? null : Long.valueOf(value);
    }

    private String encode(List<String> values) {
        try {
            return values == null ? "" : json.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> decode(String value) {
        try {
            return value == null ? null : List.copyOf(json.readValue(value, STRINGS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable key restriction in Redis: " + value, e);
        }
    }
}
