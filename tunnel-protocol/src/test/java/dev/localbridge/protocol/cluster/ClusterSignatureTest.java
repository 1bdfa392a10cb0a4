package dev.localbridge.protocol.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.localbridge.protocol.cluster.ClusterSignature.Call;

class ClusterSignatureTest {

    private static final String SECRET = "cluster-secret-for-tests";
    private static final Call RELAY = Call.of("POST", "/api/chat?stream=true").withRoute("conn-1", "42", "auth0|alice");
    private static final Call SESSION = Call.of("POST", "/api/leases")
            .withBody("{\"userId\":\"alice\"}".getBytes(StandardCharsets.UTF_8));

    private final MutableClock clock = new MutableClock(1_760_000_000_000L);
    private final ClusterSignature signer = new ClusterSignature(SECRET, clock, Duration.ofSeconds(30), 1000);
    private final ClusterSignature verifier = new ClusterSignature(SECRET, clock, Duration.ofSeconds(30), 1000);

    @Test
    void acceptsTheCallItWasMadeFor() {
        assertThat(verifier.verify(RELAY, signer.sign(RELAY)).valid()).isTrue();
        assertThat(verifier.verify(SESSION, signer.sign(SESSION)).valid()).isTrue();
    }

    @Test
    void theSecretIsNotInTheHeader() {
        assertThat(signer.sign(RELAY)).doesNotContain(SECRET).startsWith("v1;ts=");
    }

    @Test
    void refusesAnotherMethodPathOrQuery() {
        String header = signer.sign(RELAY);
        assertVerdict(RELAY.withRoute("conn-1", "42", "auth0|alice"), header, true);
        assertVerdict(new Call("PUT", RELAY.target(), "conn-1", "42", "auth0|alice", null), header, false);
        assertVerdict(new Call("POST", "/api/generate?stream=true", "conn-1", "42", "auth0|alice", null), header, false);
        assertVerdict(new Call("POST", "/api/chat?stream=false", "conn-1", "42", "auth0|alice", null), header, false);
    }

    @Test
    void refusesAnotherRoute() {
        String header = signer.sign(RELAY);
        assertVerdict(RELAY.withRoute("conn-2", "42", "auth0|alice"), header, false);
        assertVerdict(RELAY.withRoute("conn-1", "43", "auth0|alice"), header, false);
        assertVerdict(RELAY.withRoute("conn-1", "42", "auth0|mallory"), header, false);
        assertVerdict(RELAY.withRoute(null, null, null), header, false);
        assertVerdict(Call.of("POST", "/api/chat?stream=true").withRoute("conn-1", "42", null), header, false);
    }

    @Test
    void refusesAnotherBodyAndAnUncoveredBodyWhereOneIsRequired() {
        String header = signer.sign(SESSION);
        assertVerdict(Call.of("POST", "/api/leases").withBody("{\"userId\":\"mallory\"}".getBytes()), header, false);
        // signed without the body, checked by a verifier that covers it: the caller cannot opt out
        String unsigned = signer.sign(Call.of("POST", "/api/leases"));
        assertVerdict(SESSION, unsigned, false);
    }

    @Test
    void refusesAnAlteredTimestampOrNonce() {
        String header = signer.sign(RELAY);
        assertVerdict(RELAY, replace(header, "ts=", ts -> Long.toString(Long.parseLong(ts) + 1)), false);
        assertVerdict(RELAY, replace(header, "nonce=", n -> (n.charAt(0) == 'A' ? "B" : "A") + n.substring(1)), false);
        assertThat(verifier.verify(RELAY, header).valid()).as("the untouched header is still valid").isTrue();
    }

    @Test
    void refusesAReplay() {
        String header = signer.sign(RELAY);
        assertThat(verifier.verify(RELAY, header).valid()).isTrue();
        ClusterSignature.Verdict again = verifier.verify(RELAY, header);
        assertThat(again.valid()).isFalse();
        assertThat(again.reason()).contains("replayed");
        clock.advance(29_000);
        assertThat(verifier.verify(RELAY, header).valid()).as("still remembered within the window").isFalse();
    }

    @Test
    void refusesExpiredAndFutureTimestamps() {
        String header = signer.sign(RELAY);
        clock.advance(30_001);
        ClusterSignature.Verdict expired = verifier.verify(RELAY, header);
        assertThat(expired.valid()).isFalse();
        assertThat(expired.reason()).contains("window");

        String fromTheFuture = signer.sign(RELAY);
        clock.advance(-30_002);
        assertThat(verifier.verify(RELAY, fromTheFuture).valid()).isFalse();
        clock.advance(2);
        assertThat(verifier.verify(RELAY, fromTheFuture).valid()).as("30 s ahead is within the tolerance").isTrue();
    }

    @Test
    void refusesASignatureMadeWithAnotherSecret() {
        ClusterSignature other = new ClusterSignature("another-secret", clock, Duration.ofSeconds(30), 10);
        ClusterSignature.Verdict verdict = verifier.verify(RELAY, other.sign(RELAY));
        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.reason()).contains("does not match");
    }

    @Test
    void refusesMissingMalformedAndOldStyleCredentials() {
        assertThat(verifier.verify(RELAY, null).valid()).isFalse();
        assertThat(verifier.verify(RELAY, "").valid()).isFalse();
        assertThat(verifier.verify(RELAY, SECRET).valid()).isFalse();
        assertThat(verifier.verify(RELAY, "Bearer " + SECRET).valid()).isFalse();
        assertThat(verifier.verify(RELAY, signer.sign(RELAY) + "x").valid()).isFalse();
        assertThat(verifier.verify(RELAY, "v2" + signer.sign(RELAY).substring(2)).valid()).isFalse();
    }

    @Test
    void refusesLineBreaksInSignedFields() {
        Call smuggled = RELAY.withRoute("conn-1\n42", "", "auth0|alice");
        String header = signer.sign(RELAY);
        assertThat(verifier.verify(smuggled, header).valid()).isFalse();
    }

    @Test
    void replayMemoryIsBoundedAndForgetsAfterTheWindow() {
        ClusterSignature small = new ClusterSignature(SECRET, clock, Duration.ofSeconds(30), 2);
        assertThat(small.verify(RELAY, signer.sign(RELAY)).valid()).isTrue();
        assertThat(small.verify(RELAY, signer.sign(RELAY)).valid()).isTrue();
        ClusterSignature.Verdict full = small.verify(RELAY, signer.sign(RELAY));
        assertThat(full.valid()).as("fails closed when full").isFalse();
        assertThat(full.reason()).contains("too many");
        clock.advance(60_000);
        assertThat(small.verify(RELAY, signer.sign(RELAY)).valid()).as("old nonces forgotten").isTrue();
    }

    @Test
    void aRefusedCallDoesNotUseUpTheNonce() {
        String header = signer.sign(RELAY);
        assertThat(verifier.verify(RELAY.withRoute("conn-2", "42", "auth0|alice"), header).valid()).isFalse();
        assertThat(verifier.verify(RELAY, header).valid()).isTrue();
    }

    private void assertVerdict(Call call, String header, boolean expectValid) {
        ClusterSignature fresh = new ClusterSignature(SECRET, clock, Duration.ofSeconds(30), 10);
        ClusterSignature.Verdict verdict = fresh.verify(call, header);
        assertThat(verdict.valid()).as(call + " / " + verdict.reason()).isEqualTo(expectValid);
        if (!expectValid) {
            assertThat(verdict.reason()).isNotBlank();
        }
    }

    private static String replace(String header, String field, UnaryOperator<String> change) {
        StringBuilder out = new StringBuilder();
        for (String part : header.split(";")) {
            if (!out.isEmpty()) {
                out.append(';');
            }
            out.append(part.startsWith(field) ? field + change.apply(part.substring(field.length())) : part);
        }
        return out.toString();
    }

    private static final class MutableClock extends Clock {
        private long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        void advance(long delta) {
            millis += delta;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
