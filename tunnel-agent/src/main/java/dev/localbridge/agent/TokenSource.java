package dev.localbridge.agent;

/**
 * Where the agent's access token comes from: a fixed token, a token file, or the user's login (refreshed in the
 * background). The agent asks for {@link #current()} before every connection and about once a second while a tunnel is
 * open; when the answer changes it renews the open tunnel in-band.
 */
public interface TokenSource {

    /** The token to present now; throws an {@link IllegalStateException} saying why when there is none. */
    String current();

    /** Asks for a token issued from now on, e.g. after the gateway closed the tunnel because access was revoked. */
    default void renewNow() {
    }
}
