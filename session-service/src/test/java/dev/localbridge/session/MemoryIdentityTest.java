package dev.localbridge.session;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Revocation and access keys on {@code TUNNEL_SESSION_STORE=memory}. */
@QuarkusTest
@TestProfile(MemoryTestProfile.class)
class MemoryIdentityTest extends IdentityBehaviour {
}
