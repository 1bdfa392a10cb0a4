package dev.localbridge.session.keys;

import dev.localbridge.session.api.SessionFailure;
import dev.localbridge.session.events.ChangeEvent;
import dev.localbridge.session.events.ChangeFeed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Access keys in maps of this process, under one lock (the memory twin of the Lua scripts). Single replica only, lost
 * on restart. Expired keys are dropped whenever their user's keys are read or added to.
 */
@ApplicationScoped
@Typed(MemoryKeyStore.class)
class MemoryKeyStore implements KeyStore {

    private record Entry(KeyRecord record, String keyHash) {
        boolean liveAt(long now) {
            return record.expiresAt() == null || record.expiresAt() > now;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> byId = new HashMap<>();
    private final Map<String, String> idByHash = new HashMap<>();
    /** userId → (name → id). */
    private final Map<String, Map<String, String>> byUser = new HashMap<>();
    private final ChangeFeed feed;

    MemoryKeyStore(ChangeFeed feed) {
        this.feed = feed;
    }

    @Override
    public KeyRecord create(String userId, NewKey key, int maxKeys) {
        long now = System.currentTimeMillis();
        if (key.expiresAt() != null && key.expiresAt() <= now) {
            throw SessionFailure.badRequest("expiresAt must be in the future");
        }
        lock.lock();
        try {
            Map<String, String> names = liveNames(userId, now);
            if (names.containsKey(key.name())) {
                throw SessionFailure.keyNameTaken(key.name());
            }
            if (names.size() >= maxKeys) {
                throw SessionFailure.tooManyKeys(maxKeys);
            }
            String existing = idByHash.get(key.keyHash());
            if (existing != null && byId.get(existing).liveAt(now)) {
                throw SessionFailure.keyHashTaken();
            }
            String id;
            do {
                id = KeyIds.next();
            } while (byId.containsKey(id));
            KeyRecord record = new KeyRecord(id, userId, key.name(), now, key.expiresAt(), null, key.methods(),
                    key.pathPrefixes());
            byId.put(id, new Entry(record, key.keyHash()));
            idByHash.put(key.keyHash(), id);
            byUser.computeIfAbsent(userId, u -> new LinkedHashMap<>()).put(key.name(), id);
            return record;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<KeyRecord> list(String userId) {
        long now = System.currentTimeMillis();
        List<KeyRecord> keys = new ArrayList<>();
        lock.lock();
        try {
            liveNames(userId, now).values().forEach(id -> keys.add(byId.get(id).record()));
        } finally {
            lock.unlock();
        }
        keys.sort(Comparator.comparingLong(KeyRecord::createdAt).thenComparing(KeyRecord::id));
        return keys;
    }

    @Override
    public Optional<KeyRecord> revoke(String userId, String keyId) {
        long now = System.currentTimeMillis();
        KeyRecord revoked;
        lock.lock();
        try {
            Entry entry = byId.get(keyId);
            if (entry == null || !entry.record().userId().equals(userId) || !entry.liveAt(now)) {
                return Optional.empty();
            }
            remove(entry);
            revoked = entry.record();
        } finally {
            lock.unlock();
        }
        feed.publish(ChangeEvent.keyRevoked(userId, keyId, now));
        return Optional.of(revoked);
    }

    @Override
    public Optional<KeyRecord> byHash(String keyHash) {
        long now = System.currentTimeMillis();
        lock.lock();
        try {
            String id = idByHash.get(keyHash);
            Entry entry = id == null ? null : byId.get(id);
            return entry != null && entry.liveAt(now) ? Optional.of(entry.record()) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void recordUse(List<KeyUsage.Use> used) {
        lock.lock();
        try {
            for (KeyUsage.Use use : used) {
                Entry entry = byId.get(use.keyId());
                if (entry != null && (entry.record().lastUsedAt() == null || entry.record().lastUsedAt() < use.at())) {
                    KeyRecord r = entry.record();
                    byId.put(r.id(), new Entry(new KeyRecord(r.id(), r.userId(), r.name(), r.createdAt(),
                            r.expiresAt(), use.at(), r.methods(), r.pathPrefixes()), entry.keyHash()));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The user's live keys (name → id), after dropping the expired ones. Call with the lock held. */
    private Map<String, String> liveNames(String userId, long now) {
        Map<String, String> names = byUser.getOrDefault(userId, Map.of());
        for (String id : List.copyOf(names.values())) {
            Entry entry = byId.get(id);
            if (!entry.liveAt(now)) {
                remove(entry);
            }
        }
        return byUser.getOrDefault(userId, Map.of());
    }

    private void remove(Entry entry) {
        KeyRecord r = entry.record();
        byId.remove(r.id());
        idByHash.remove(entry.keyHash());
        Map<String, String> names = byUser.get(r.userId());
        if (names != null) {
            names.remove(r.name());
            if (names.isEmpty()) {
                byUser.remove(r.userId());
            }
        }
    }
}
