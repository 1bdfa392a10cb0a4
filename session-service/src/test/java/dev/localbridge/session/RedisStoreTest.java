package dev.localbridge.session;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The API behaviour on the Redis store (the shared Redis, keys under a per-run prefix). */
@QuarkusTest
@TestProfile(RedisTestProfile.class)
class RedisStoreTest extends SessionApiBehaviour {
}
