package dev.localbridge.gateway.hostile;

import java.net.URI;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;

/**
 * A caller speaking HTTP/2 over cleartext with prior knowledge (h2c, no upgrade), as gRPC-style and load-balancer
 * clients do. Bounded: a stream that neither completes nor fails within {@link #BOUND_SECONDS} is reported as a
 * timeout failure.
 */
final class H2Caller {

    /** Generous for 10 MiB through a tunnel on a loaded machine, still a bound. */
    static final int BOUND_SECONDS = 30;

    /** What the caller got: the status and body of a response that completed, or the failure that ended it. */
    record Result(int status, Buffer body, Throwable failure) {
        @Override
        public String toString() {
            return failure != null ? "failure " + failure
                    : "a complete " + status + " with " + body.length() + " bytes: " + body;
        }
    }

    /** How the request body goes out. */
    enum BodyFraming {
        /** The whole body with a {@code content-length} header. */
        WITH_CONTENT_LENGTH,
        /** DATA frames with no {@code content-length}: the end of the stream ends the body. */
        WITHOUT_CONTENT_LENGTH
    }

    private H2Caller() {
    }

    static Result get(URI base, String path, String token) {
        return exchange(base, HttpMethod.GET, path, token, null, null);
    }

    /** Sends {@code body} in 16 KiB writes, framed as {@code framing} says. */
    static Result post(URI base, String path, String token, byte[] body, BodyFraming framing) {
        return exchange(base, HttpMethod.POST, path, token, body, framing);
    }

    private static Result exchange(URI base, HttpMethod method, String path, String token, byte[] body,
            BodyFraming framing) {
        Vertx vertx = Vertx.vertx();
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false)
                    .setDefaultHost(base.getHost())
                    .setDefaultPort(base.getPort()));
            Future<Result> result = client.request(method, path).compose(request -> {
                request.putHeader("Authorization", "Bearer " + token);
                Future<Result> answered = request.response().compose(response -> response.body()
                        .map(b -> {
                            if (response.version() != HttpVersion.HTTP_2) {
                                throw new IllegalStateException("not HTTP/2 but " + response.version());
                            }
                            return new Result(response.statusCode(), b, null);
                        }));
                send(request, body, framing);
                return answered;
            });
            return result.toCompletionStage().toCompletableFuture().orTimeout(BOUND_SECONDS, TimeUnit.SECONDS)
                    .exceptionally(e -> new Result(-1, null, e instanceof CompletionException ? e.getCause() : e))
                    .join();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
    }

    private static void send(HttpClientRequest request, byte[] body, BodyFraming framing) {
        if (body == null) {
            request.end();
            return;
        }
        if (framing == BodyFraming.WITH_CONTENT_LENGTH) {
            request.putHeader("content-length", Integer.toString(body.length));
        } else {
            request.setChunked(true);
        }
        Buffer whole = Buffer.buffer(body);
        int chunk = 16 * 1024;
        for (int at = 0; at < body.length; at += chunk) {
            request.write(whole.slice(at, Math.min(body.length, at + chunk)));
        }
        request.end();
    }

    /** Whether a failure was the 10 s bound rather than an answer. */
    static boolean timedOut(Result result) {
        return result.failure() instanceof TimeoutException;
    }
}
