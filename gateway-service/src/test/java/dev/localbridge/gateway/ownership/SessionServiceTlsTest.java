package dev.localbridge.gateway.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import dev.localbridge.protocol.cluster.ClusterSignature;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The gateway talks to a session-service that serves HTTPS only, trusting its certificate through a named TLS
 * configuration ({@code TUNNEL_SESSION_TLS_CONFIGURATION_NAME}), and signs its calls as over plain HTTP.
 */
@QuarkusTest
@TestProfile(SessionServiceTlsTest.Profile.class)
class SessionServiceTlsTest {

    /** session-service over TLS. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TlsSessionServiceResource.class));
        }
    }

    @Test
    void theGatewayRegistersAndHeartbeatsOverTls() throws Exception {
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting()).build();
        URI nodes = URI.create("https://localhost:" + TlsSessionServiceResource.port + "/api/nodes");
        ClusterSignature signer = new ClusterSignature(SessionServiceResource.SECRET);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> listed = trusting.send(HttpRequest.newBuilder(nodes)
                    .header(ClusterSignature.HEADER, signer.sign(ClusterSignature.Call.of("GET", "/api/nodes")
                            .withBody(null))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(JsonPath.from(listed.body()).getList("nodeId")).contains("tls-gateway");
        });
        // the certificate is not one the JVM trusts: only the named configuration makes the gateway accept it
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(nodes).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(java.io.IOException.class);
    }

    /** With TUNNEL_RELAY_TLS_CONFIGURATION_NAME the relay listener speaks TLS only: plain HTTP gets no answer. */
    @Test
    void theRelayListenerServesTlsOnly() throws Exception {
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting())
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> unsigned = trusting.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + TlsSessionServiceResource.relayPort + "/api/tags")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).as("the TLS handshake succeeded; the unsigned call is refused")
                .isEqualTo(401);
        assertThatThrownBy(() -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + TlsSessionServiceResource.relayPort
                        + "/api/tags")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(java.io.IOException.class);
    }

    private static SSLContext trusting() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TlsSessionServiceResource.dir.resolve("truststore.p12"))) {
            store.load(in, TlsSessionServiceResource.PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
