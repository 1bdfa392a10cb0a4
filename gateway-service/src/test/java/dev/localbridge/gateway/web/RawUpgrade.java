package dev.localbridge.gateway.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import dev.localbridge.protocol.TunnelProtocol;

/**
 * An agent upgrade written by hand, as a browser would send it (with or without {@code Origin}), so that a test sees
 * the status and the head of a refusal before any 101.
 */
final class RawUpgrade {

    /** The status and the headers (lower-case names, last value wins) of the answer. */
    record Answer(int status, Map<String, String> headers) {
    }

    private RawUpgrade() {
    }

    static Answer send(URI base, String token, String origin) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            String request = "GET /ws/tunnel HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: " + TunnelProtocol.SUBPROTOCOL_V2 + "\r\n"
                    + "Authorization: Bearer " + token + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            int status = Integer.parseInt(in.readLine().split(" ")[1]);
            Map<String, String> headers = new TreeMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
            }
            return new Answer(status, headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
