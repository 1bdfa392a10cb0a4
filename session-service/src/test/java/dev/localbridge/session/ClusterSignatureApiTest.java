package dev.localbridge.session;

import dev.localbridge.protocol.cluster.ClusterSignature;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Only calls signed with the cluster secret reach the API: what an attacker who can reach session-service (or who
 * recorded a gateway's call) can try is refused with 401 and the error envelope.
 */
@QuarkusTest
@TestProfile(MemoryTestProfile.class)
class ClusterSignatureApiTest {

    @TestHTTPResource("/")
    URI base;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void refusesUnsignedCallsAndTheBareSecret() {
        given().get("/api/nodes").then().statusCode(401)
                .body("error.code", equalTo("UNAUTHORIZED"))
                .body("error.message", containsString("no X-LocalBridge-Cluster-Auth header"));
        given().header("Authorization", "Bearer " + RedisTestProfile.SECRET).get("/api/nodes").then().statusCode(401);
        given().header(ClusterSignature.HEADER, RedisTestProfile.SECRET).get("/api/nodes").then().statusCode(401)
                .body("error.code", equalTo("UNAUTHORIZED"));
        // a node cannot be registered at an attacker's address without the secret
        given().contentType("application/json").body(registration("intruder", "203.0.113.66:8082"))
                .post("/api/nodes").then().statusCode(401);
        given().filter(AsCluster.signing()).get("/api/nodes").then().statusCode(200)
                .body("nodeId", not(hasItem("intruder")));
    }

    @Test
    void revocationAndAccessKeysNeedASignedCallLikeEverythingElse() {
        String hash = "a".repeat(64);
        String key = "{\"name\":\"intruder\",\"keyHash\":\"" + hash + "\"}";
        given().contentType("application/json").body("{}").put("/api/users/victim/revocation").then().statusCode(401)
                .body("error.code", equalTo("UNAUTHORIZED"));
        given().get("/api/revocations").then().statusCode(401);
        given().contentType("application/json").body("{}").post("/api/users/victim/tunnels/close").then()
                .statusCode(401);
        given().contentType("application/json").body(key).post("/api/users/victim/keys").then().statusCode(401);
        given().get("/api/users/victim/keys").then().statusCode(401);
        given().delete("/api/users/victim/keys/abcdefghij0123456789").then().statusCode(401);
        given().get("/api/keys/by-hash/" + hash).then().statusCode(401);
        given().contentType("application/json").body("{\"used\":[]}").post("/api/keys/usage").then().statusCode(401);
        given().filter(AsCluster.signing(new ClusterSignature("not-the-cluster-secret")))
                .contentType("application/json").body(key).post("/api/users/victim/keys").then().statusCode(401);

        // nothing of the above reached the store
        given().filter(AsCluster.signing()).get("/api/users/victim/keys").then().statusCode(200)
                .body("keys", empty());
        given().filter(AsCluster.signing()).get("/api/keys/by-hash/" + hash).then().statusCode(404);
        given().filter(AsCluster.signing()).get("/api/revocations").then().statusCode(200)
                .body("revocations.userId", not(hasItem("victim")));
    }

    @Test
    void refusesCallsSignedWithAnotherSecret() {
        given().filter(AsCluster.signing(new ClusterSignature("not-the-cluster-secret"))).get("/api/nodes")
                .then().statusCode(401).body("error.code", equalTo("UNAUTHORIZED"))
                .body("error.message", containsString("does not match"));
    }

    @Test
    void refusesARecordedCallReplayed() throws Exception {
        String node = "node-" + UUID.randomUUID();
        String body = registration(node, "10.0.0.7:8082");
        HttpRequest recorded = signedPost("/api/nodes", body, body);
        HttpResponse<String> first = client.send(recorded, HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(200);
        HttpResponse<String> replayed = client.send(recorded, HttpResponse.BodyHandlers.ofString());
        assertThat(replayed.statusCode()).isEqualTo(401);
        JsonPath error = JsonPath.from(replayed.body());
        assertThat(error.getString("error.code")).isEqualTo("UNAUTHORIZED");
        assertThat(error.getString("error.message")).contains("replayed");
    }

    @Test
    void refusesASignedCallWithAnotherBodyOrPath() throws Exception {
        String signedFor = registration("node-" + UUID.randomUUID(), "10.0.0.7:8082");
        String altered = registration("node-" + UUID.randomUUID(), "203.0.113.66:8082");
        HttpResponse<String> answer = client.send(signedPost("/api/nodes", signedFor, altered),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(401);

        String header = AsCluster.header(AsCluster.SIGNER, "GET", base.resolve("/api/stats"), null);
        given().header(ClusterSignature.HEADER, header).get("/api/nodes").then().statusCode(401);
        given().header(ClusterSignature.HEADER, header).get("/api/stats").then().statusCode(200);
    }

    @Test
    void signedCallsCoverTheQuery() {
        String header = AsCluster.header(AsCluster.SIGNER, "GET", base.resolve("/api/leases?userId=alice"), null);
        given().header(ClusterSignature.HEADER, header).queryParam("userId", "mallory").get("/api/leases")
                .then().statusCode(401);
        given().filter(AsCluster.signing()).queryParam("userId", "alice").get("/api/leases").then().statusCode(200)
                .body("userId", equalTo("alice"));
    }

    private HttpRequest signedPost(String path, String signedBody, String sentBody) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header(ClusterSignature.HEADER, AsCluster.header(AsCluster.SIGNER, "POST", base.resolve(path),
                        signedBody.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(sentBody)).build();
    }

    private static String registration(String node, String relayAddress) {
        return "{\"nodeId\":\"" + node + "\",\"relayAddress\":\"" + relayAddress + "\"}";
    }
}
