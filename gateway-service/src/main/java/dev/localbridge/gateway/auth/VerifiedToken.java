package dev.localbridge.gateway.auth;

/**
 * What a verified JWT tells the gateway: whose it is and until when it may be used.
 *
 * @param userId           the value of the configured user claim (default {@code sub}), e.g. {@code auth0|abc}
 * @param expiresAtSeconds epoch seconds of {@code exp}; {@link Long#MAX_VALUE} when the token has none
 */
public record VerifiedToken(String userId, long expiresAtSeconds) {

    boolean expiredAt(long nowSeconds) {
        return nowSeconds >= expiresAtSeconds;
    }
}
