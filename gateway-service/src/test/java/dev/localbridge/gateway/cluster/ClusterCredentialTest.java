package dev.localbridge.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.proxy.Relays;
import dev.localbridge.protocol.cluster.ClusterSignature;
import io.vertx.core.MultiMap;

/** The relay signature covers the route headers under the names the relay actually sends. */
class ClusterCredentialTest {

    private static final String SECRET = "relay-test-secret";

    @Test
    void signsTheRouteHeadersTheRelaySends() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .set(Relays.CONNECTION_HEADER, "conn-1").set(Relays.EPOCH_HEADER, "7").set(Relays.USER_HEADER, "alice");
        credential(SECRET).sign("POST", "/api/chat", headers);
        String signature = headers.get(ClusterCredential.HEADER);
        assertThat(signature).startsWith("v1;").doesNotContain(SECRET);

        ClusterSignature.Call sent = ClusterSignature.Call.of("POST", "/api/chat").withRoute("conn-1", "7", "alice");
        assertThat(new ClusterSignature(SECRET).verify(sent.withRoute("conn-1", "7", "mallory"), signature).valid())
                .isFalse();
        assertThat(new ClusterSignature(SECRET).verify(sent, signature).valid()).isTrue();
    }

    @Test
    void withoutASecretNothingIsSigned() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        credential(" ").sign("GET", "/", headers);
        assertThat(headers.contains(ClusterCredential.HEADER)).isFalse();
    }

    private static ClusterCredential credential(String secret) {
        return new ClusterCredential((GatewayConfig) Proxy.newProxyInstance(GatewayConfig.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.class}, (p, method, args) -> method.getName().equals("clusterSecret")
                        ? Optional.of(secret) : null));
    }
}
