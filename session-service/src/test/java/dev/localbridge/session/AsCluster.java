package dev.localbridge.session;

import dev.localbridge.protocol.cluster.ClusterSignature;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.filter.Filter;
import io.restassured.http.ContentType;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Signs test calls as a gateway does ({@link ClusterSignature} with {@link RedisTestProfile#SECRET}): a RestAssured
 * filter, and the header for calls made with the JDK's client. {@link #begin()} makes every RestAssured call of a
 * test signed JSON; it is called from {@code @BeforeEach}/{@code @AfterEach} methods rather than being a JUnit
 * extension: the spec takes RestAssured's port when built, and Quarkus sets that port after extensions of a test's
 * superclass have run.
 */
final class AsCluster {

    static final ClusterSignature SIGNER = new ClusterSignature(RedisTestProfile.SECRET);

    private AsCluster() {
    }

    static void begin() {
        RestAssured.requestSpecification = new RequestSpecBuilder().addFilter(signing())
                .setContentType(ContentType.JSON).build();
    }

    static void end() {
        RestAssured.requestSpecification = null;
    }

    /** Signs each request with {@code signer} just before it is sent (method, path and query, body). */
    static Filter signing(ClusterSignature signer) {
        return (request, response, context) -> {
            request.header(ClusterSignature.HEADER, header(signer, request.getMethod(), URI.create(request.getURI()),
                    bytes(request.getBody())));
            return context.next(request, response);
        };
    }

    /** {@link #signing(ClusterSignature)} with the cluster's secret. */
    static Filter signing() {
        return signing(SIGNER);
    }

    /** The header value for a call to {@code uri}. */
    static String header(ClusterSignature signer, String method, URI uri, byte[] body) {
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return signer.sign(ClusterSignature.Call.of(method, target).withBody(body));
    }

    private static byte[] bytes(Object body) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] raw) {
            return raw;
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}
