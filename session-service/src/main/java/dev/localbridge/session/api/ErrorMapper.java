package dev.localbridge.session.api;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Instant;
import java.util.UUID;

/** Maps {@link SessionFailure} and JAX-RS errors (bad JSON, unknown path) to the JSON error envelope. */
public class ErrorMapper {

    @ServerExceptionMapper
    public Response failure(SessionFailure failure, HttpHeaders headers) {
        String requestId = requestId(headers);
        if (failure.status() >= 500) {
            Log.warnf("[%s] %s: %s (%s)", requestId, failure.code(), failure.getMessage(),
                    failure.getCause() == null ? "-" : failure.getCause().toString());
        }
        return envelope(failure.status(), failure.code(), failure.getMessage(), requestId);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpHeaders headers) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            default -> "HTTP_" + status;
        };
        return envelope(status, code, e.getResponse().getStatusInfo().getReasonPhrase(), requestId(headers));
    }

    static Response envelope(int status, String code, String message, String requestId) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorEnvelope(new ErrorEnvelope.Error(code, message, requestId, Instant.now().toString())))
                .build();
    }

    static String requestId(HttpHeaders headers) {
        return requestId(headers == null ? null : headers.getHeaderString("X-Request-Id"));
    }

    static String requestId(String header) {
        return header == null || header.isBlank() ? UUID.randomUUID().toString() : header;
    }
}
