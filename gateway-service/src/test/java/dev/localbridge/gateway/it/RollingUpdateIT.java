package dev.localbridge.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.Ingress;
import dev.localbridge.gateway.testing.LocalCluster;
import dev.localbridge.gateway.testing.LocalCluster.Gateway;
import dev.localbridge.gateway.testing.Tokens;

/**
 * A rolling update as a Deployment with {@code maxUnavailable: 0} does it: three replicas under steady mixed load
 * (short requests and long streamed answers), agents spread over them through a readiness-aware ingress; one at a
 * time a new replica starts, becomes ready, and an old one gets SIGTERM. Target: zero failed requests, zero broken
 * streams.
 */
class RollingUpdateIT {

    private static final List<String> USERS = List.of("roll-1", "roll-2", "roll-3");

    @TempDir
    Path dir;

    LocalCluster cluster;
    FakeOllama fake;
    Ingress ingress;

    @BeforeEach
    void start() {
        fake = new FakeOllama().start();
        cluster = new LocalCluster().start();
        ingress = new Ingress();
    }

    @AfterEach
    void stop() throws Exception {
        ingress.close();
        cluster.close();
        fake.stop();
    }

    @Test
    void rollingEveryReplicaUnderLoadFailsNoRequest() throws Exception {
        List<Gateway> live = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Gateway g = cluster.startGateway("gw-" + i, Map.of("TUNNEL_DRAIN_TIMEOUT", "20000"));
            live.add(g);
            ingress.add(g);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> live.stream().allMatch(ingress::isReady));
        for (String user : USERS) {
            cluster.startAgent(user, ingress.port(), fake.url(), dir);
        }

        HttpClient http = HttpClient.newHttpClient();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger streams = new AtomicInteger();
        AtomicLong longestStallMillis = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> load = new ArrayList<>();
        for (String user : USERS) {
            load.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    long start = System.nanoTime();
                    try {
                        Gateway via = ingress.pick();
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(via.uri("/api/tunnel/" + user
                                + "/api/tags")).header("Authorization", "Bearer " + Tokens.forUser(user))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add("short " + user + " via " + via.nodeId() + ": " + r.statusCode() + " "
                                    + r.body());
                        }
                    } catch (Exception e) {
                        failures.add("short " + user + ": " + e);
                    }
                    longestStallMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    sleep(20);
                }
            }));
            load.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        Gateway via = ingress.pick();
                        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(via.uri(
                                "/api/tunnel/" + user + "/api/chat?lines=40&delayMs=100"))
                                .header("Authorization", "Bearer " + Tokens.forUser(user))
                                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                        if (r.statusCode() != 200) {
                            failures.add("stream " + user + " via " + via.nodeId() + ": " + r.statusCode()
                                    + " " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
                            continue;
                        }
                        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(),
                                StandardCharsets.UTF_8))) {
                            long lines = in.lines().count();
                            if (lines == 41) {
                                streams.incrementAndGet();
                            } else {
                                failures.add("stream " + user + " via " + via.nodeId() + " broken after " + lines
                                        + " lines");
                            }
                        }
                    } catch (Exception e) {
                        failures.add("stream " + user + ": " + e);
                    }
                }
            }));
        }

        sleep(2000);
        for (int i = 0; i < 3; i++) {
            Gateway replacement = cluster.startGateway("gw-" + (i + 3), Map.of("TUNNEL_DRAIN_TIMEOUT", "20000"));
            ingress.add(replacement);
            await().atMost(Duration.ofSeconds(20)).until(() -> ingress.isReady(replacement));
            Gateway old = live.remove(0);
            live.add(replacement);
            long sigterm = System.nanoTime();
            old.process().close();
            System.out.println("rolled " + old.nodeId() + " in " + (System.nanoTime() - sigterm) / 1_000_000
                    + " ms");
            ingress.remove(old);
            sleep(1000);
        }
        sleep(2000);
        running.set(false);
        for (Thread t : load) {
            t.join(Duration.ofSeconds(60));
        }
        System.out.printf("rolling update: %d short requests ok, %d streams complete, %d failures, longest short-request"
                + " stall %d ms%n", ok.get(), streams.get(), failures.size(), longestStallMillis.get());
        failures.forEach(f -> System.out.println("  failure: " + f));
        assertThat(ok.get()).isGreaterThan(50);
        assertThat(streams.get()).isGreaterThan(3);
        assertThat(failures).isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
