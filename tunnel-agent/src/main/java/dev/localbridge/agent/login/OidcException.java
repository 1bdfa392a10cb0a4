package dev.localbridge.agent.login;

/**
 * An identity provider's error answer: the HTTP status and, when the body is an OAuth error (RFC 6749 section 5.2),
 * its {@code error} code and description.
 */
public final class OidcException extends LoginException {

    private final int status;
    private final String error;

    OidcException(int status, String error, String description) {
        super(describe(status, error, description));
        this.status = status;
        this.error = error;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }

    /** The OAuth {@code error} code, or an empty string when the body named none. */
    public String error() {
        return error;
    }

    /**
     * Whether asking again later may succeed: the provider is overloaded or failing (5xx, 429). Any other refusal is
     * the provider's answer to this request and will not change by itself.
     */
    public boolean isTransient() {
        return status >= 500 || status == 429;
    }

    private static String describe(int status, String error, String description) {
        StringBuilder text = new StringBuilder("the identity provider answered HTTP ").append(status);
        if (!error.isEmpty()) {
            text.append(" ").append(error);
        }
        if (description != null && !description.isBlank()) {
            text.append(" (").append(description.strip()).append(")");
        }
        return text.toString();
    }
}
