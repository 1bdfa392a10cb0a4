package dev.localbridge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The {@code AUTH0_DOMAIN}/{@code AUTH0_AUDIENCE} shortcut turns into the standard verification settings. */
class Auth0ConfigSourceTest {

    @Test
    void derivesJwksIssuerAndAudienceFromTheTenant() {
        Auth0ConfigSource source = new Auth0ConfigSource(Map.of("AUTH0_DOMAIN", "tenant.eu.auth0.com",
                "AUTH0_AUDIENCE", "https://api.example.com"));
        assertThat(source.getValue("mp.jwt.verify.publickey.location"))
                .isEqualTo("https://tenant.eu.auth0.com/.well-known/jwks.json");
        assertThat(source.getValue("mp.jwt.verify.issuer")).isEqualTo("https://tenant.eu.auth0.com/");
        assertThat(source.getValue("mp.jwt.verify.audiences")).isEqualTo("https://api.example.com");
    }

    @Test
    void acceptsADomainWrittenAsAUrl() {
        Auth0ConfigSource source = new Auth0ConfigSource(Map.of("AUTH0_DOMAIN", "https://tenant.auth0.com/"));
        assertThat(source.getValue("mp.jwt.verify.issuer")).isEqualTo("https://tenant.auth0.com/");
    }

    @Test
    void providesNothingWithoutTheShortcutAndRanksBelowExplicitSettings() {
        Auth0ConfigSource source = new Auth0ConfigSource(Map.of());
        assertThat(source.getPropertyNames()).isEmpty();
        assertThat(source.getOrdinal()).as("below application.properties (250) and env (300)").isLessThan(250);
    }
}
