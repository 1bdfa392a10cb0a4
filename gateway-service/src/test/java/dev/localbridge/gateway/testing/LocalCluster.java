package dev.localbridge.gateway.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.localbridge.protocol.cluster.ClusterSignature;

/**
 * The packaged services as separate processes, wired as in production: a Redis of the test's own, session-service,
 * gateway replicas registered with it. Short lease and node TTLs so that expiry is observable in seconds.
 */
public final class LocalCluster implements AutoCloseable {

    public static final String SECRET = "cluster-test-secret";
    /** Signs as the replicas do: session-service calls and relay calls. */
    public static final ClusterSignature SIGNER = new ClusterSignature(SECRET);

    private final RedisServer redis = new RedisServer();
    private final int sessionPort = JavaProcess.freePort();
    private final int sessionManagementPort = JavaProcess.freePort();
    private final Map<String, Gateway> gateways = new HashMap<>();
    private final List<JavaProcess> others = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> sessionEnv;
    private JavaProcess session;

    /** A cluster whose session-service has the default settings. */
    public LocalCluster() {
        this(Map.of());
    }

    /** A cluster whose session-service gets extra env, e.g. the cluster-wide rate limit. */
    public LocalCluster(Map<String, String> sessionEnv) {
        this.sessionEnv = Map.copyOf(sessionEnv);
    }

    /** A gateway replica of the cluster. */
    public record Gateway(String nodeId, int port, int managementPort, int relayPort, JavaProcess process) {
        public URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        /** A request through this replica to the user's tunnel ({@code path} on the local service), with their token. */
        public HttpRequest.Builder request(String userId, String path) {
            return HttpRequest.newBuilder(uri("/api/tunnel/" + encode(userId) + path))
                    .header("Authorization", "Bearer " + Tokens.forUser(userId)).timeout(Duration.ofSeconds(30));
        }
    }

    public LocalCluster start() {
        redis.start();
        startSession();
        return this;
    }

    public RedisServer redis() {
        return redis;
    }

    public String sessionUrl() {
        return "http://127.0.0.1:" + sessionPort;
    }

    public void startSession() {
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(sessionPort),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(sessionManagementPort),
                "REDIS_URL", redis.url(),
                "TUNNEL_CLUSTER_SECRET", SECRET,
                "TUNNEL_LEASE_TTL", "3000",
                "TUNNEL_NODE_TTL", "3000",
                "TUNNEL_MAX_CONNECTIONS_PER_USER", "5"));
        env.putAll(sessionEnv);
        session = JavaProcess.start("session", JavaProcess.requiredProperty("session.jar"), env);
        session.awaitOutput("Listening on", Duration.ofSeconds(40));
    }

    /** Freezes session-service (SIGSTOP): connections are accepted, nothing answers, as a host dropping packets. */
    public void pauseSession() throws Exception {
        session.pause();
    }

    /** Thaws session-service after {@link #pauseSession()}. */
    public void resumeSession() throws Exception {
        session.resume();
    }

    /** Kills session-service (SIGKILL). */
    public void killSession() throws InterruptedException {
        session.kill();
    }

    /** Starts a gateway replica with extra env, and waits until it listens. */
    public Gateway startGateway(String nodeId, Map<String, String> extraEnv) {
        int port = JavaProcess.freePort();
        int relayPort = JavaProcess.freePort();
        int managementPort = JavaProcess.freePort();
        String publicKey = Path.of(JavaProcess.requiredProperty("test.keys")).resolve("publicKey.pem").toString();
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort),
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey,
                "MP_JWT_VERIFY_ISSUER", Tokens.ISSUER,
                "TUNNEL_NODE_ID", nodeId,
                "TUNNEL_SESSION_URL", sessionUrl(),
                "TUNNEL_CLUSTER_SECRET", SECRET,
                "TUNNEL_RELAY_PORT", Integer.toString(relayPort),
                "TUNNEL_RELAY_ADVERTISE_HOST", "127.0.0.1",
                "TUNNEL_LEASE_RENEW_INTERVAL", "1000"));
        env.putAll(extraEnv);
        JavaProcess process = JavaProcess.start(nodeId, JavaProcess.requiredProperty("gateway.jar"), env);
        process.awaitOutput("Listening on", Duration.ofSeconds(40));
        Gateway gateway = new Gateway(nodeId, port, managementPort, relayPort, process);
        gateways.put(nodeId, gateway);
        return gateway;
    }

    /** Starts the packaged agent for {@code userId}, connecting to {@code gatewayPort}. */
    public JavaProcess startAgent(String userId, int gatewayPort, String target, Path tokenDir) throws Exception {
        Path tokenFile = tokenDir.resolve("token-" + userId.replaceAll("[^a-zA-Z0-9]", "_"));
        java.nio.file.Files.writeString(tokenFile, Tokens.forUser(userId));
        JavaProcess agent = JavaProcess.start("agent-" + userId, JavaProcess.requiredProperty("agent.jar"), Map.of(),
                "--gateway", "http://127.0.0.1:" + gatewayPort, "--token-file", tokenFile.toString(),
                "--target", target, "--ping-interval", "1000");
        others.add(agent);
        agent.awaitOutput("tunnel up", Duration.ofSeconds(20));
        return agent;
    }

    /** GET through a gateway for the user; returns the status. */
    public int get(Gateway via, String userId, String path) throws Exception {
        return http.send(via.request(userId, path).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A call to session-service's API, signed with the cluster secret as a gateway signs it. */
    public HttpResponse<String> session(String method, String path, String json) throws Exception {
        String signature = SIGNER.sign(ClusterSignature.Call.of(method, path)
                .withBody(json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(URI.create(sessionUrl() + path))
                .header(ClusterSignature.HEADER, signature).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** session-service's live leases of {@code userId}, as JSON. */
    public String leasesOf(String userId) throws Exception {
        return session("GET", "/api/leases?userId=" + encode(userId), null).body();
    }

    public static String encode(String userId) {
        return java.net.URLEncoder.encode(userId, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        for (JavaProcess p : others) {
            p.close();
        }
        for (Gateway g : gateways.values()) {
            g.process().close();
        }
        if (session != null) {
            session.close();
        }
        redis.close();
    }
}
