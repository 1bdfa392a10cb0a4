package dev.localbridge.session.users;

import dev.localbridge.session.events.ChangeEvent;
import dev.localbridge.session.events.ChangeFeed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Not-before times in a map of this process (single replica only, lost on restart). */
@ApplicationScoped
@Typed(MemoryUserStore.class)
class MemoryUserStore implements UserStore {

    private final Map<String, Long> notBefore = new ConcurrentHashMap<>();
    private final ChangeFeed feed;

    MemoryUserStore(ChangeFeed feed) {
        this.feed = feed;
    }

    @Override
    public Revocation revoke(String userId) {
        long at = notBefore.merge(userId, System.currentTimeMillis(), Math::max);
        feed.publish(ChangeEvent.userRevoked(userId, at));
        return new Revocation(userId, at);
    }

    @Override
    public List<Revocation> revocations() {
        return notBefore.entrySet().stream().map(e -> new Revocation(e.getKey(), e.getValue())).toList();
    }

    @Override
    public long closeTunnels(String userId) {
        long at = System.currentTimeMillis();
        feed.publish(ChangeEvent.tunnelsClosed(userId, at));
        return at;
    }
}
