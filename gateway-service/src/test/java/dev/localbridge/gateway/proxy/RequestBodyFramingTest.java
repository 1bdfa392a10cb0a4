package dev.localbridge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.gateway.testing.TunnelTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Request bodies reach the local service whole whatever their framing: HTTP/2 with and without {@code content-length}
 * (a body only DATA frames announce), and HTTP/1.1 with {@code Expect: 100-continue}, which the gateway answers itself
 * once it is ready to read the body — and never to a caller it refuses.
 */
@QuarkusTest
class RequestBodyFramingTest extends TunnelTestBase {

    private static final String USER = "framing-user";
    private static final String BODY = "{\"model\":\"llama3\",\"prompt\":\"why is the sky?\"}\n!"; // 47 bytes

    private HttpClient h2;

    @Override
    protected String[] users() {
        return new String[] {USER};
    }

    @BeforeAll
    void h2Client() {
        h2 = agents.vertx().createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    }

    @AfterAll
    void closeClient() {
        h2.close();
    }

    @Test
    void anHttp2BodyWithoutContentLengthArrivesWhole() throws Exception {
        JsonObject answer = h2Upload(MultiMap.caseInsensitiveMultiMap());
        assertThat(answer.getLong("bytes")).isEqualTo(47);
    }

    @Test
    void anHttp2BodyWithContentLengthArrivesWhole() throws Exception {
        JsonObject answer = h2Upload(MultiMap.caseInsensitiveMultiMap().add("content-length", "47"));
        assertThat(answer.getLong("bytes")).isEqualTo(47);
    }

    @Test
    void anHttp2RequestWithoutBodyReachesTheLocalServiceWithoutOne() throws Exception {
        Buffer body = h2.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(base.getHost())
                        .setPort(base.getPort()).setURI("/api/tunnel/" + USER + "/echo/nobody")
                        .putHeader("Authorization", "Bearer " + Tokens.forUser(USER)))
                .compose(request -> request.send().compose(response -> {
                    assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
                    return response.body();
                }))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        JsonObject echo = body.toJsonObject();
        assertThat(echo.getLong("bytes")).isZero();
        assertThat(echo.getJsonObject("headers").fieldNames()).map(String::toLowerCase)
                .doesNotContain("transfer-encoding");
    }

    @Test
    void expectContinueIsAnsweredByTheGatewayOnceItIsReadyForTheBody() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            send(socket, "POST /api/tunnel/" + USER + "/upload HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer "
                    + Tokens.forUser(USER) + "\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(readFor(socket, 5_000, "\r\n\r\n")).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            send(socket, "hello");
            String answer = readFor(socket, 5_000, "}");
            assertThat(answer).startsWith("HTTP/1.1 200 OK").contains("\"bytes\":5").doesNotContain("100 Continue");
        }
    }

    @Test
    void aRefusedCallerIsNeverInvitedToSendItsBodyAndItsConnectionCloses() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            send(socket, "POST /api/tunnel/" + USER + "/upload HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer "
                    + Tokens.forUser("mallory") + "\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            String answer = readFor(socket, 5_000, null);
            assertThat(answer).startsWith("HTTP/1.1 403").contains("TUNNEL_ACCESS_DENIED")
                    .doesNotContain("100 Continue");
            assertThat(answer.toLowerCase()).contains("connection: close");
        }
    }

    private JsonObject h2Upload(MultiMap headers) throws Exception {
        return h2.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost())
                        .setPort(base.getPort()).setURI("/api/tunnel/" + USER + "/upload")
                        .setHeaders(headers.add("Authorization", "Bearer " + Tokens.forUser(USER))))
                .compose(request -> {
                    if (!request.headers().contains("content-length")) {
                        request.setChunked(true); // over HTTP/2: DATA frames and no content-length
                    }
                    request.write(BODY.substring(0, 20));
                    return request.end(BODY.substring(20)).compose(v -> request.response());
                })
                .compose(response -> {
                    assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
                    assertThat(response.statusCode()).isEqualTo(200);
                    return response.body();
                })
                .map(Buffer::toJsonObject)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Reads until {@code until} appears (or, when null, the connection closes), for at most {@code millis}. */
    private static String readFor(Socket socket, int millis, String until) throws IOException {
        socket.setSoTimeout(millis);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        try {
            while (socket.getInputStream().read(one) > 0) {
                read.write(one[0]);
                if (until != null && read.toString(StandardCharsets.ISO_8859_1).endsWith(until)) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // what arrived is the answer
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }
}
