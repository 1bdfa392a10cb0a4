package dev.localbridge.agent;

import dev.localbridge.protocol.Frame;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Locale;

/**
 * The one local service the agent forwards to. Scheme, host and port come from the configuration only; a tunnel
 * request contributes nothing but a checked path, a method and filtered headers. Owns the HTTP client pool.
 */
final class LocalTarget {

    private final URI url;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String basePath;
    private final HeaderFilter headerFilter;
    private final HttpClient client;

    LocalTarget(Vertx vertx, AgentConfig config) {
        this.url = config.targetUrl();
        this.ssl = url.getScheme().toLowerCase(Locale.ROOT).equals("https");
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : (ssl ? 443 : 80);
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        this.headerFilter = new HeaderFilter(hostPart + ":" + port, config.forwardAuthorization(),
                config.forwardCookies());
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setConnectTimeout(10_000).setKeepAlive(true).setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(config.maxConcurrentStreams()));
    }

    /**
     * Opens the local request for a tunnel request head; the returned request has not been sent yet.
     *
     * @throws TargetPath.RefusedException when the tunnel's target breaks the path rules
     */
    Future<HttpClientRequest> open(Frame.RequestHead head) throws TargetPath.RefusedException {
        String uri = TargetPath.resolve(basePath, head.target());
        MultiMap headers = headerFilter.toTarget(head.headers());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(head.method()))
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(uri)
                .setHeaders(headers)
                .setFollowRedirects(false);
        return client.request(options);
    }

    /** The configured target URL, for log lines. */
    URI url() {
        return url;
    }

    Future<Void> close() {
        return client.close();
    }
}
