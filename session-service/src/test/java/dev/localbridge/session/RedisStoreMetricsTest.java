package dev.localbridge.session;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Real traffic through the REST API on the Redis store, then {@code /q/metrics} on the management port: the
 * contract's series with the counts that traffic must have produced. Shares its application with
 * {@link RedisStoreTest}, so counts are compared before and after. Writes the exported series names to
 * {@code target/exported-metrics.txt}.
 */
@QuarkusTest
@TestProfile(RedisTestProfile.class)
class RedisStoreMetricsTest {

    private static final String LEASE_OPERATIONS = "localbridge_session_lease_operations_total";
    private static final String STORE_ERRORS = "localbridge_session_store_errors_total";
    private static final String MEMORY = "localbridge_memory_used_bytes";

    // relative to the management root path (/q)
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void asCluster() {
        AsCluster.begin();
    }

    @AfterEach
    void reset() {
        AsCluster.end();
    }

    @Test
    void leaseOperationsAreCountedByResultAndTheContractSeriesAreExported() throws IOException {
        Scrape before = Scrape.of(metrics);
        String nodeA = "a-" + run;
        String nodeB = "b-" + run;
        String user = "user-" + run;
        given().body("{\"nodeId\":\"" + nodeA + "\",\"relayAddress\":\"10.0.0.1:8082\","
                + "\"managementAddress\":\"10.0.0.1:9000\"}").post("/api/nodes").then().statusCode(200);
        given().body("{\"nodeId\":\"" + nodeB + "\",\"relayAddress\":\"10.0.0.2:8082\"}").post("/api/nodes")
                .then().statusCode(200);

        long[] epochs = new long[RedisTestProfile.MAX_CONNECTIONS];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = given().body(SessionApiBehaviour.acquireBody(user, "c" + i + "-" + run, nodeA))
                    .post("/api/leases").then().statusCode(200).extract().jsonPath().getLong("epoch");
        }
        given().body(SessionApiBehaviour.acquireBody(user, "over-" + run, nodeA)).post("/api/leases")
                .then().statusCode(429);
        given().body(SessionApiBehaviour.acquireBody("other-" + run, "ghost-" + run, "ghost-" + run))
                .post("/api/leases").then().statusCode(404);
        // refused by validation before the store: not a lease operation
        given().body("{\"userId\":\"" + user + "\"}").post("/api/leases").then().statusCode(400);

        // renewed, fenced (c1 under c0's epoch), gone
        given().body("{\"nodeId\":\"" + nodeA + "\",\"leases\":[{\"connectionId\":\"c0-" + run + "\",\"epoch\":"
                        + epochs[0] + "},{\"connectionId\":\"c1-" + run + "\",\"epoch\":" + epochs[0] + "},"
                        + "{\"connectionId\":\"never-" + run + "\",\"epoch\":0}]}")
                .post("/api/leases/renew").then().statusCode(200);

        given().queryParam("userId", user).get("/api/leases").then().statusCode(200);
        given().queryParam("userId", "nobody-" + run).get("/api/leases").then().statusCode(200);

        given().queryParam("nodeId", nodeA).queryParam("epoch", epochs[0]).delete("/api/leases/c0-" + run)
                .then().statusCode(204);
        given().queryParam("nodeId", nodeA).delete("/api/leases/c0-" + run).then().statusCode(404);
        given().queryParam("nodeId", nodeB).delete("/api/leases/c1-" + run).then().statusCode(409);

        given().get("/api/nodes").then().statusCode(200);
        given().body("{\"userId\":\"" + user + "\"}").post("/api/ratelimit/tokens").then().statusCode(200);
        given().delete("/api/nodes/" + nodeA).then().statusCode(200);
        given().delete("/api/nodes/" + nodeB).then().statusCode(200);

        Scrape after = Scrape.of(metrics);
        assertThat(after.labelValues(LEASE_OPERATIONS, "operation"))
                .containsExactlyInAnyOrder("acquire", "renew", "release", "lookup");
        assertThat(after.labelValues(LEASE_OPERATIONS, "result")).containsExactlyInAnyOrder("ok", "refused", "error");
        expectDelta(before, after, "acquire", 5, 2, 0);
        expectDelta(before, after, "renew", 1, 2, 0);
        expectDelta(before, after, "release", 1, 2, 0);
        expectDelta(before, after, "lookup", 2, 0, 0);

        assertThat(after.labelValues(STORE_ERRORS, "operation")).contains("node-register", "node-list",
                "lease-acquire", "lease-renew", "lease-release", "lease-lookup", "ratelimit-grant", "node-deregister");
        assertThat(after.value(STORE_ERRORS)).isEqualTo(before.value(STORE_ERRORS));

        Set<String> names = after.names();
        assertThat(names).contains(LEASE_OPERATIONS, STORE_ERRORS, MEMORY, "jvm_memory_used_bytes",
                "http_server_requests_seconds_count", "http_server_requests_seconds_sum",
                "http_server_requests_seconds_max");
        Path target = Path.of(System.getProperty("project.build.directory", "target"));
        Files.createDirectories(target);
        Files.write(target.resolve("exported-metrics.txt"), List.copyOf(names));
    }

    @Test
    void memoryInUseIsTheHeapLeftByTheLastCollectionPlusNonHeap() {
        // the application runs in this JVM: right after a full collection, the heap left by it is the heap in use
        System.gc();
        var memory = ManagementFactory.getMemoryMXBean();
        long heapAfterGc = memory.getHeapMemoryUsage().getUsed();
        long nonHeap = memory.getNonHeapMemoryUsage().getUsed();

        double gauge = Scrape.of(metrics).value(MEMORY);

        assertThat(gauge).isGreaterThan(nonHeap * 0.95);
        assertThat(gauge).isCloseTo(heapAfterGc + nonHeap, within((heapAfterGc + nonHeap) * 0.2));
    }

    private static void expectDelta(Scrape before, Scrape after, String operation, long ok, long refused,
            long error) {
        List<Long> deltas = List.of("ok", "refused", "error").stream()
                .map(result -> (long) (after.value(LEASE_OPERATIONS, "operation", operation, "result", result)
                        - before.value(LEASE_OPERATIONS, "operation", operation, "result", result)))
                .toList();
        assertThat(deltas).as("%s ok/refused/error", operation).containsExactly(ok, refused, error);
    }
}
