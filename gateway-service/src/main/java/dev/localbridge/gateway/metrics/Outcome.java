package dev.localbridge.gateway.metrics;

import dev.localbridge.gateway.failure.ErrorCode;

/**
 * How a proxied request ended, as metrics and health see it.
 *
 * @param label         the {@code outcome} tag: {@code success}, {@code cancelled}, {@code broken} or an error code
 * @param counted       whether it counts in the success/timeout rates: requests the tunnel was asked to carry; not
 *                      the caller's own mistakes (4xx), nor a user who simply has no tunnel open (tunnels are
 *                      on-demand), nor a caller that hung up
 * @param tunnelFailure whether the tunnel itself failed it (lowers the success rate)
 * @param timeout       whether it timed out (raises the timeout rate)
 */
public record Outcome(String label, boolean counted, boolean tunnelFailure, boolean timeout) {

    /** Relayed to the caller, whatever status the local service gave. */
    public static final Outcome SUCCESS = new Outcome("success", true, false, false);
    /** The caller went away first. */
    public static final Outcome CANCELLED = new Outcome("cancelled", false, false, false);
    /** The response had started and then broke (tunnel dropped, agent reset). */
    public static final Outcome BROKEN = new Outcome("broken", true, true, false);

    /** The {@code result} tag: {@code ok}, {@code failed}, {@code timeout} or {@code excluded} (not in the rates). */
    public String result() {
        if (!counted) {
            return "excluded";
        }
        return timeout ? "timeout" : tunnelFailure ? "failed" : "ok";
    }

    public static Outcome of(ErrorCode code) {
        boolean counted = code.status() >= 500 && code != ErrorCode.DESKTOP_CLIENT_DISCONNECTED;
        return new Outcome(code.name(), counted, counted, code.isTimeout());
    }
}
