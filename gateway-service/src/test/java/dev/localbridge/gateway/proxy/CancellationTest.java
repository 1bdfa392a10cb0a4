package dev.localbridge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.gateway.testing.TunnelTestBase;
import io.quarkus.test.junit.QuarkusTest;

/** A caller that hangs up cancels the stream down to the local service (Ollama stops generating). */
@QuarkusTest
class CancellationTest extends TunnelTestBase {

    private static final String USER = "cancel-user";





    @Override
    protected String[] users() {
        return new String[] {USER};
    }

    @Test
    void callerHangingUpMidStreamAbortsTheLocalRequest() throws Exception {
        int cancelledBefore = fake.cancelled();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/tunnel/" + USER + "/api/chat?lines=1000&delayMs=50&tag=cancel HTTP/1.1\r\n"
                    + "Host: localhost\r\nAuthorization: Bearer " + Tokens.forUser(USER) + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(readUntil(in, "token0")).as("the first generated line arrived").contains("token0");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.cancelled() > cancelledBefore);
        assertThat(fake.lastLineWrittenNanos("cancel")).as("generation never ran to the end").isNull();
    }

    @Test
    void hangingUpBeforeTheHeadAlsoCancels() throws Exception {
        int cancelledBefore = fake.cancelled();
        int startedBefore = fake.started();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/tunnel/" + USER + "/hang HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + Tokens.forUser(USER) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> fake.started() > startedBefore);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.cancelled() > cancelledBefore);
    }
}
