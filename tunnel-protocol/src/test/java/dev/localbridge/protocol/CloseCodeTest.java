package dev.localbridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The close codes both sides share: one value each, in the ranges RFC 6455 allows, and the agent's reaction. */
class CloseCodeTest {

    @Test
    void valuesAndLabelsAreUniqueAndInTheAllowedRanges() {
        assertThat(Arrays.stream(CloseCode.values()).map(CloseCode::code)).doesNotHaveDuplicates();
        assertThat(Arrays.stream(CloseCode.values()).map(CloseCode::label)).doesNotHaveDuplicates();
        for (CloseCode c : CloseCode.values()) {
            assertThat(c.code()).as(c.name()).satisfiesAnyOf(
                    code -> assertThat(code).isBetween(1000, 1015),
                    code -> assertThat(code).isBetween(4000, 4999));
            assertThat(CloseCode.fromCode(c.code())).isSameAs(c);
            assertThat(c.asShort()).isEqualTo((short) c.code());
        }
    }

    @Test
    void theWireValuesAreThoseTheDocsName() {
        assertThat(CloseCode.NORMAL.code()).isEqualTo(1000);
        assertThat(CloseCode.GOING_AWAY.code()).isEqualTo(1001);
        assertThat(CloseCode.PROTOCOL_ERROR.code()).isEqualTo(1002);
        assertThat(CloseCode.POLICY_VIOLATION.code()).isEqualTo(1008);
        assertThat(CloseCode.INTERNAL_ERROR.code()).isEqualTo(1011);
        assertThat(CloseCode.HELLO_TIMEOUT.code()).isEqualTo(4400);
        assertThat(CloseCode.KEEPALIVE_TIMEOUT.code()).isEqualTo(4408);
        assertThat(CloseCode.LEASE_TAKEN_OVER.code()).isEqualTo(4409);
        assertThat(CloseCode.TOKEN_EXPIRED.code()).isEqualTo(4401);
        assertThat(CloseCode.ACCESS_REVOKED.code()).isEqualTo(4403);
        assertThat(CloseCode.CLOSED_BY_USER.code()).isEqualTo(4410);
    }

    @Test
    void theAgentReconnectsAtOnceOnlyWhenItsLeaseMovedStopsOnlyWhenItsUserClosedItAndBacksOffOtherwise() {
        assertThat(CloseCode.agentReaction(1001)).isEqualTo(CloseCode.AgentReaction.RECONNECT_AFTER_BACKOFF);
        assertThat(CloseCode.agentReaction(4409)).isEqualTo(CloseCode.AgentReaction.RECONNECT_AT_ONCE);
        assertThat(CloseCode.agentReaction(1002)).isEqualTo(CloseCode.AgentReaction.RECONNECT_AFTER_BACKOFF);
        assertThat(CloseCode.agentReaction(4400)).isEqualTo(CloseCode.AgentReaction.RECONNECT_AFTER_BACKOFF);
        assertThat(CloseCode.agentReaction(4401)).isEqualTo(CloseCode.AgentReaction.RECONNECT_AFTER_BACKOFF);
        assertThat(CloseCode.agentReaction(4403)).isEqualTo(CloseCode.AgentReaction.RECONNECT_AFTER_BACKOFF);
        assertThat(CloseCode.agentReaction(4410)).as("closed by its user").isEqualTo(CloseCode.AgentReaction.STOP);
        assertThat(CloseCode.agentReaction(4999)).as("unknown").isEqualTo(
                CloseCode.AgentReaction.RECONNECT_AFTER_BACKOFF);
        assertThat(CloseCode.agentReaction(null)).as("no close frame").isEqualTo(
                CloseCode.AgentReaction.RECONNECT_AFTER_BACKOFF);
    }
}
