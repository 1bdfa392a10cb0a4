package dev.localbridge.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A deliberately tiny blocking HTTP/1.1 client for GET requests on ONE keep-alive connection.
 * It adds next to nothing to the measured latency (no executor hand-offs, no allocation per byte), so the figures
 * describe the server path, not the client. Understands Content-Length, chunked and close-delimited bodies.
 */
final class RawHttpClient implements AutoCloseable {

    private final String host;
    private final int port;
    private final byte[] request;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private boolean closeAfterResponse;
    /** Number of TCP connections opened so far (1 in a healthy keep-alive run). */
    int connections;

    RawHttpClient(URI uri, List<String> extraHeaders) {
        if (!"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("only http:// URLs are supported: " + uri);
        }
        this.host = uri.getHost();
        this.port = uri.getPort() == -1 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        StringBuilder sb = new StringBuilder()
            .append("GET ").append(path).append(" HTTP/1.1\r\n")
            .append("Host: ").append(host).append(':').append(port).append("\r\n")
            .append("User-Agent: localbridge-bench\r\n")
            .append("Accept: */*\r\n");
        for (String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        sb.append("\r\n");
        this.request = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends one GET and reads the whole response; returns the status code. Reconnects if needed. */
    int get() throws IOException {
        if (socket == null) {
            connect();
        }
        out.write(request);
        out.flush();
        return readResponse();
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(60_000);
        s.connect(new InetSocketAddress(host, port), 5_000);
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
        pos = lim = 0;
        connections++;
    }

    private int readResponse() throws IOException {
        int status;
        do { // skip 1xx interim responses
            String statusLine = readLine();
            if (!statusLine.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x response: " + statusLine);
            }
            status = Integer.parseInt(statusLine.substring(9, 12));
            closeAfterResponse = statusLine.startsWith("HTTP/1.0");
            long contentLength = -1;
            boolean chunked = false;
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    contentLength = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    chunked = value.toLowerCase().contains("chunked");
                } else if (name.equalsIgnoreCase("connection")) {
                    closeAfterResponse = value.equalsIgnoreCase("close");
                }
            }
            if (status >= 100 && status < 200) {
                continue;
            }
            if (status == 204 || status == 304) {
                // no body
            } else if (chunked) {
                readChunked();
            } else if (contentLength >= 0) {
                skip(contentLength);
            } else {
                while (fill() > 0) {
                    pos = lim;
                }
                closeAfterResponse = true;
            }
        } while (status >= 100 && status < 200);
        if (closeAfterResponse) {
            close();
        }
        return status;
    }

    private void readChunked() throws IOException {
        while (true) {
            String sizeLine = readLine();
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return;
            }
            skip(size);
            readLine(); // CRLF after chunk data
        }
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            if (pos == lim && fill() < 0) {
                throw new EOFException("connection closed inside a response body");
            }
            int k = (int) Math.min(n, lim - pos);
            pos += k;
            n -= k;
        }
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            if (pos == lim && fill() < 0) {
                throw new EOFException("connection closed by the server");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) (b & 0xff));
        }
    }

    private int fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        pos = 0;
        lim = Math.max(n, 0);
        return n;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
    }
}
