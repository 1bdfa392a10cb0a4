package dev.localbridge.session.api;

/**
 * A refusal or failure with the HTTP status and error code the caller sees; mapped once to the JSON envelope by
 * {@link ErrorMapper}.
 */
public final class SessionFailure extends RuntimeException {

    private final int status;
    private final String code;

    public SessionFailure(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public SessionFailure(int status, String code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static SessionFailure badRequest(String message) {
        return new SessionFailure(400, "BAD_REQUEST", message);
    }

    public static SessionFailure nodeNotFound(String nodeId) {
        return new SessionFailure(404, "NODE_NOT_FOUND",
                "node '" + nodeId + "' is not registered (or stopped heartbeating): register it again");
    }

    public static SessionFailure leaseNotFound(String connectionId) {
        return new SessionFailure(404, "LEASE_NOT_FOUND", "no live lease for connection '" + connectionId + "'");
    }

    public static SessionFailure leaseFenced(String connectionId) {
        return new SessionFailure(409, "LEASE_FENCED",
                "connection '" + connectionId + "' is held by another node or a newer epoch");
    }

    public static SessionFailure leaseConflict(String connectionId) {
        return new SessionFailure(409, "LEASE_CONFLICT", "connection id '" + connectionId + "' belongs to another user");
    }

    public static SessionFailure connectionLimit(int live, int max) {
        return new SessionFailure(429, "CONNECTION_LIMIT_EXCEEDED",
                "user already holds " + live + " of " + max + " allowed live connections");
    }

    public static SessionFailure keyNameTaken(String name) {
        return new SessionFailure(409, "KEY_NAME_TAKEN", "the user already has an access key named '" + name + "'");
    }

    public static SessionFailure tooManyKeys(int max) {
        return new SessionFailure(409, "TOO_MANY_KEYS",
                "the user already holds " + max + " access keys, the most allowed: revoke one first");
    }

    public static SessionFailure keyHashTaken() {
        return new SessionFailure(409, "KEY_HASH_TAKEN", "an access key with this keyHash exists already");
    }

    public static SessionFailure keyNotFound(String keyId) {
        return new SessionFailure(404, "KEY_NOT_FOUND", "no access key '" + keyId + "' of this user");
    }

    public static SessionFailure storeUnavailable(Throwable cause) {
        return new SessionFailure(503, "STORE_UNAVAILABLE", "session store unreachable", cause);
    }
}
