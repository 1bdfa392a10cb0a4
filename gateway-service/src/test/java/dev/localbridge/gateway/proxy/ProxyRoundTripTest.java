package dev.localbridge.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.gateway.testing.TunnelTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Requests through a real agent's tunnel to the fake Ollama: every method, headers, binary bodies, streaming. */
@QuarkusTest
class ProxyRoundTripTest extends TunnelTestBase {

    private static final String USER = "auth0|roundtrip";
    private static final String PATH_USER = "auth0%7Croundtrip";

    private final String token = Tokens.forUser(USER);

    @Override
    protected String[] users() {
        return new String[] {USER};
    }

    @Test
    void servesOllamaTagsThroughTheTunnel() {
        given().urlEncodingEnabled(false).auth().oauth2(token)
                .get("/api/tunnel/" + PATH_USER + "/api/tags")
                .then().statusCode(200)
                .header("Content-Type", "application/json")
                .body("models[0].name", equalTo("llama3:8b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    void roundTripsEveryMethodWithRawPathAndQuery(String method) throws Exception {
        boolean withBody = !method.equals("GET") && !method.equals("OPTIONS");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        base.resolve("/api/tunnel/" + PATH_USER + "/echo/a/b%20c?x=1&y=two&x=3"))
                        .header("Authorization", "Bearer " + token)
                        .method(method, withBody ? HttpRequest.BodyPublishers.ofString("payload-" + method)
                                : HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Echo")).hasValue("yes");
        JsonPath body = JsonPath.from(response.body());
        assertThat(body.getString("method")).isEqualTo(method);
        assertThat(body.getString("path")).isEqualTo("/echo/a/b%20c");
        assertThat(body.getString("query")).isEqualTo("x=1&y=two&x=3");
        assertThat(body.getLong("bytes")).isEqualTo(withBody ? ("payload-" + method).length() : 0);
    }

    @Test
    void carriesManyConcurrentRequestsOnOneTunnelWithoutDroppingIt() {
        long connectsBefore = agent(USER).connectCount();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 90; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/api/tunnel/" + PATH_USER + "/echo/" + i))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < calls.size(); i++) {
            HttpResponse<String> response = calls.get(i).join();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JsonPath.from(response.body()).getString("path")).isEqualTo("/echo/" + i);
        }
        assertThat(agent(USER).connectCount()).as("the tunnel never dropped").isEqualTo(connectsBefore);
    }

    @Test
    void headRequestGetsHeadersWithoutBody() {
        given().urlEncodingEnabled(false).auth().oauth2(token)
                .head("/api/tunnel/" + PATH_USER + "/api/tags")
                .then().statusCode(200).header("Content-Type", "application/json");
    }

    @Test
    void rewritesHostDropsOriginAndNeverForwardsTheGatewayToken() {
        JsonPath headers = given().urlEncodingEnabled(false).auth().oauth2(token)
                .header("Origin", "https://app.example")
                .header("Cookie", "session=secret")
                .header("X-Custom", "kept")
                .header("Connection", "keep-alive, X-Hop")
                .header("X-Hop", "dropped")
                .get("/api/tunnel/" + PATH_USER + "/echo")
                .then().statusCode(200).extract().jsonPath();
        assertThat(headers.getString("headers.host")).isEqualTo("127.0.0.1:" + fake.port());
        assertThat(headers.getString("headers.x-custom")).isEqualTo("kept");
        assertThat(headers.getString("headers.origin")).isNull();
        assertThat(headers.getString("headers.authorization")).isNull();
        assertThat(headers.getString("headers.cookie")).isNull();
        assertThat(headers.getString("headers.x-hop")).isNull();
        assertThat(headers.getString("headers.x-request-id")).isNotBlank();
    }

    @Test
    void upstreamErrorsPassThroughUntouched() {
        given().urlEncodingEnabled(false).auth().oauth2(token)
                .get("/api/tunnel/" + PATH_USER + "/fail")
                .then().statusCode(500).body("error", equalTo("model not loaded"));
    }

    @Test
    void uploadsALargeBinaryBodyIntact() throws Exception {
        byte[] body = new byte[5 * 1024 * 1024 + 123];
        new Random(42).nextBytes(body);
        JsonPath result = given().urlEncodingEnabled(false).auth().oauth2(token).contentType("application/octet-stream").body(body)
                .post("/api/tunnel/" + PATH_USER + "/upload")
                .then().statusCode(200).extract().jsonPath();
        assertThat(result.getLong("bytes")).isEqualTo(body.length);
        assertThat(result.getString("sha256"))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    }

    @Test
    void streamsTheRequestBodyBeforeTheCallerHasFinishedSendingIt() throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /api/tunnel/" + PATH_USER + "/upload?tag=streamed HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + token + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "5\r\nfirst\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> fake.firstUploadByteNanos("streamed") != null);
            out.write("6\r\nsecond\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(readUntil(in, "bytes")).contains("\"bytes\":11");
        }
    }

    @Test
    void downloadsALargeBinaryBodyIntact() throws Exception {
        long size = 64L * 1024 * 1024 + 17;
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(base.resolve("/api/tunnel/" + PATH_USER + "/download?bytes=" + size))
                        .header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(size);
        long offset = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = in.read(buffer)) > 0; offset += n) {
                byte[] expected = FakeOllama.pattern(offset, n);
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != expected[i]) {
                        throw new AssertionError("byte " + (offset + i) + " differs");
                    }
                }
            }
        }
        assertThat(offset).isEqualTo(size);
    }

    @Test
    void streamsChatLinesAsTheyAreProduced() throws Exception {
        assertFirstLineArrivesBeforeUpstreamFinishes("/api/chat", "ndjson", "\"content\":\"token0\"");
    }

    @Test
    void streamsOpenAiServerSentEventsAsTheyAreProduced() throws Exception {
        assertFirstLineArrivesBeforeUpstreamFinishes("/v1/chat/completions", "sse", "data: {");
    }

    private void assertFirstLineArrivesBeforeUpstreamFinishes(String path, String tag, String firstLine)
            throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(base.resolve("/api/tunnel/" + PATH_USER + path
                                + "?lines=6&delayMs=250&tag=" + tag))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"llama3:8b\",\"stream\":true}"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            long firstArrived = System.nanoTime();
            assertThat(first).contains(firstLine);
            assertThat(fake.lastLineWrittenNanos(tag)).as("upstream must still be producing").isNull();
            int lines = 1;
            while (reader.readLine() != null) {
                lines++;
            }
            assertThat(lines).isGreaterThanOrEqualTo(7);
            assertThat(fake.lastLineWrittenNanos(tag)).isGreaterThan(firstArrived);
        }
    }
}
