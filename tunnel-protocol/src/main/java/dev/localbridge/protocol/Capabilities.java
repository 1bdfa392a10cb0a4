package dev.localbridge.protocol;

/**
 * Names of the optional features a peer announces in its {@link Frame.Hello}. A name is 1 to
 * {@link TunnelProtocol#MAX_CAPABILITY_BYTES} characters of {@code a-z 0-9 . -}, starting with a letter; a receiver
 * ignores names it does not know, which is what lets a feature be optional per agent.
 */
public final class Capabilities {

    /** The agent sends {@link Frame.Accept} for every stream it takes. */
    public static final String ACCEPT = "accept";

    /**
     * Token renewal on an open tunnel: announced by an agent that sends {@link Frame.Renew} and understands
     * {@link Frame.Renewed}, and by a gateway that answers it. An agent sends Renew only to a gateway that announced it.
     */
    public static final String RENEW = "renew";

    private Capabilities() {
    }

    /** Whether {@code name} is a well-formed capability name. */
    public static boolean isValidName(String name) {
        if (name.isEmpty() || name.length() > TunnelProtocol.MAX_CAPABILITY_BYTES) {
            return false;
        }
        char first = name.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }
}
