package dev.localbridge.gateway.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A caller on one HTTP/1.1 keep-alive connection, reading the gateway's answers byte by byte so that a test sees
 * exactly what went on the wire: where an answer ends, what follows it, and whether the connection was cut. Every read
 * is bounded ({@link #READ_TIMEOUT}): a gateway that leaves the caller waiting shows up as {@link Ending#STALLED}.
 */
final class RawCaller implements AutoCloseable {

    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** How an answer's body ended. */
    enum Ending {
        /** Framed and complete: Content-Length reached, last chunk read, or nothing to read for HEAD/204/304. */
        COMPLETE,
        /** The connection closed (or was reset) before the framing said the answer was complete. */
        CUT,
        /** Neither complete nor cut within the read timeout: the caller would wait forever. */
        STALLED,
        /** Bytes that are not an HTTP/1.1 answer (bad status line, bad chunk, conflicting lengths). */
        MALFORMED
    }

    /** One answer: its status (-1 when not even a status line came), headers, body and how it ended. */
    record Answer(int status, List<String> interimStatusLines, List<String[]> headers, byte[] body, Ending ending,
            String problem) {

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        List<String> headerValues(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final java.io.BufferedInputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    private boolean eof;

    RawCaller(String host, int port) {
        try {
            socket = new Socket(host, port);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request with a bearer token; {@code extra} are whole header lines ("Name: value"). */
    RawCaller send(String method, String target, String token, byte[] body, String... extra) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(socket.getInetAddress().getHostAddress()).append(':')
                .append(socket.getPort()).append("\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        for (String line : extra) {
            head.append(line).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        writeRaw(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null && body.length > 0) {
            writeRaw(body);
        }
        return this;
    }

    /** Writes bytes as they are; a connection the gateway already closed is not an error here (reads will tell). */
    RawCaller writeRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            eof = true;
        }
        return this;
    }

    /**
     * Waits up to {@code atMost} for a {@code 100 Continue} and consumes it; returns whether it came. Anything else
     * (a final answer, or nothing) is left unread for {@link #read}.
     */
    boolean awaitContinue(Duration atMost) {
        int transcribed = transcript.size();
        try {
            socket.setSoTimeout((int) atMost.toMillis());
            in.mark(64 * 1024);
            String line = readLine();
            if (line != null && line.startsWith("HTTP/1.1 100")) {
                for (String header; (header = readLine()) != null && !header.isEmpty(); ) {
                    // headers of the interim answer
                }
                return true;
            }
            unread(transcribed);
            return false;
        } catch (SocketTimeoutException e) {
            unread(transcribed);
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            } catch (SocketException e) {
                // closed
            }
        }
    }

    private void unread(int transcribed) {
        try {
            in.reset();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        eof = false;
        byte[] kept = transcript.toByteArray();
        transcript.reset();
        transcript.write(kept, 0, transcribed);
    }

    /** Reads one answer; {@code toHead} says the request was HEAD (no body whatever the headers say). */
    Answer read(boolean toHead) {
        List<String> interim = new ArrayList<>();
        while (true) {
            String statusLine;
            List<String[]> headers = new ArrayList<>();
            try {
                statusLine = readLine();
                if (statusLine == null) {
                    return new Answer(-1, interim, headers, new byte[0], Ending.CUT, "closed before a status line");
                }
                if (!statusLine.matches("HTTP/1\\.1 \\d{3}( .*)?")) {
                    return new Answer(-1, interim, headers, new byte[0], Ending.MALFORMED,
                            "not a status line: " + printable(statusLine));
                }
                for (String line; !(line = readLine()).isEmpty(); ) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        return new Answer(-1, interim, headers, new byte[0], Ending.MALFORMED,
                                "not a header line: " + printable(line));
                    }
                    headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
                }
            } catch (SocketTimeoutException e) {
                return new Answer(-1, interim, headers, new byte[0], Ending.STALLED, "no complete head in time");
            } catch (NullPointerException e) {
                return new Answer(-1, interim, headers, new byte[0], Ending.CUT, "closed inside the head");
            } catch (IOException e) {
                return new Answer(-1, interim, headers, new byte[0], Ending.CUT, "cut inside the head: " + e);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            if (status >= 100 && status < 200 && status != 101) {
                interim.add(statusLine);
                continue;
            }
            return body(status, interim, headers, toHead || status == 204 || status == 304 || status == 101);
        }
    }

    private Answer body(int status, List<String> interim, List<String[]> headers, boolean bodyless) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Answer partial = new Answer(status, interim, headers, new byte[0], Ending.COMPLETE, null);
        if (bodyless) {
            return partial;
        }
        List<String> lengths = partial.headerValues("Content-Length");
        String te = partial.header("Transfer-Encoding");
        try {
            if (te != null) {
                if (!te.toLowerCase(Locale.ROOT).equals("chunked") || !lengths.isEmpty()
                        || partial.headerValues("Transfer-Encoding").size() > 1) {
                    return with(partial, body, Ending.MALFORMED, "ambiguous framing: Transfer-Encoding " + te
                            + ", Content-Length " + lengths);
                }
                while (true) {
                    String sizeLine = readLine();
                    if (sizeLine == null) {
                        return with(partial, body, Ending.CUT, "closed before the last chunk");
                    }
                    int size;
                    try {
                        size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                    } catch (NumberFormatException e) {
                        return with(partial, body, Ending.MALFORMED, "bad chunk size line " + printable(sizeLine));
                    }
                    if (size == 0) {
                        for (String trailer; !(trailer = readLine()).isEmpty(); ) {
                            // trailers are allowed and ignored
                        }
                        return with(partial, body, Ending.COMPLETE, null);
                    }
                    if (!readExactly(body, size)) {
                        return with(partial, body, Ending.CUT, "closed inside a chunk");
                    }
                    String crlf = readLine();
                    if (crlf == null) {
                        return with(partial, body, Ending.CUT, "closed after a chunk");
                    }
                    if (!crlf.isEmpty()) {
                        return with(partial, body, Ending.MALFORMED, "chunk longer than announced");
                    }
                }
            }
            if (!lengths.isEmpty()) {
                if (lengths.size() > 1 || !lengths.get(0).matches("\\d{1,18}")) {
                    return with(partial, body, Ending.MALFORMED, "bad Content-Length " + lengths);
                }
                long n = Long.parseLong(lengths.get(0));
                return readExactly(body, n) ? with(partial, body, Ending.COMPLETE, null)
                        : with(partial, body, Ending.CUT, "closed after " + body.size() + " of " + n + " bytes");
            }
            readExactly(body, Long.MAX_VALUE); // close-delimited: complete when the connection closes
            return with(partial, body, Ending.COMPLETE, null);
        } catch (SocketTimeoutException e) {
            return with(partial, body, Ending.STALLED, "still waiting after " + body.size() + " body bytes");
        } catch (NullPointerException e) {
            return with(partial, body, Ending.CUT, "closed inside the trailers");
        } catch (IOException e) {
            return with(partial, body, Ending.CUT, "cut after " + body.size() + " body bytes: " + e);
        }
    }

    private static Answer with(Answer head, ByteArrayOutputStream body, Ending ending, String problem) {
        return new Answer(head.status(), head.interimStatusLines(), head.headers(), body.toByteArray(), ending,
                problem);
    }

    /**
     * What the connection delivers next, if anything, until it closes or stays quiet for {@code quiet}: the bytes, and
     * whether it was closed.
     */
    Leftover leftover(Duration quiet) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            socket.setSoTimeout((int) quiet.toMillis());
            for (int b; (b = readByte()) >= 0; ) {
                bytes.write(b);
            }
            return new Leftover(bytes.toByteArray(), true);
        } catch (SocketTimeoutException e) {
            return new Leftover(bytes.toByteArray(), false);
        } catch (SocketException e) {
            return new Leftover(bytes.toByteArray(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            } catch (SocketException e) {
                // closed
            }
        }
    }

    /** What came after an answer. */
    record Leftover(byte[] bytes, boolean closed) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** Everything this connection received so far, for failure messages. */
    String transcript() {
        return printable(transcript.toString(StandardCharsets.ISO_8859_1));
    }

    private boolean readExactly(ByteArrayOutputStream body, long n) throws IOException {
        for (long i = 0; i < n; i++) {
            int b = readByte();
            if (b < 0) {
                return false;
            }
            body.write(b);
        }
        return true;
    }

    /** A CRLF-terminated line without its CRLF, or {@code null} at the end of the stream. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = readByte()) >= 0; ) {
            if (b == '\n') {
                int len = line.length();
                return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
            }
            line.append((char) b);
        }
        return line.isEmpty() ? null : line.toString();
    }

    private int readByte() throws IOException {
        if (eof) {
            return -1;
        }
        int b;
        try {
            b = in.read();
        } catch (SocketException e) {
            eof = true;
            throw e;
        }
        if (b < 0) {
            eof = true;
        } else {
            transcript.write(b);
        }
        return b;
    }

    static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n\n").replace("\0", "\\0");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
