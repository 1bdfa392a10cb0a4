package dev.localbridge.session;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The same behaviour on {@code TUNNEL_SESSION_STORE=memory}, with Redis pointed at a closed port. */
@QuarkusTest
@TestProfile(MemoryTestProfile.class)
class MemoryStoreTest extends SessionApiBehaviour {
}
