package dev.localbridge.agent.login;

/** A sign-in step that failed for a reason the user can read and act on; the message never contains a token. */
public class LoginException extends Exception {

    public LoginException(String message) {
        super(message);
    }

    public LoginException(String message, Throwable cause) {
        super(message, cause);
    }
}
