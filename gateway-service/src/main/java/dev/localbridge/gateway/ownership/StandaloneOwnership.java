package dev.localbridge.gateway.ownership;

import java.util.List;

import io.vertx.core.Future;

/** A replica on its own: every tunnel it can route is its own; nothing to register, nothing remote. */
final class StandaloneOwnership implements Ownership {

    @Override
    public boolean clustered() {
        return false;
    }

    @Override
    public Future<Long> acquire(String userId, String connectionId) {
        return Future.succeededFuture(0L);
    }

    @Override
    public void release(String userId, String connectionId) {
    }

    @Override
    public Future<List<RemoteRoute>> remoteRoutes(String userId) {
        return Future.succeededFuture(List.of());
    }

    @Override
    public void invalidate(String userId) {
    }
}
