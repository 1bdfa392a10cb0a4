package dev.localbridge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.config.GatewayConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;

/**
 * The startup check ({@link KeyConfigurationCheck} runs {@link TokenRules#read}): the configurations under which a
 * gateway would accept tokens not meant for it are refused with a message that names the settings. Config is built as
 * the gateway builds it: the properties, the {@code AUTH0_*} shortcut and the {@code tunnel.*} mapping.
 */
class TokenRulesTest {

    private static final String KEY_FILE = "/etc/localbridge/public.pem";

    @Test
    void refusesToStartWithoutAnIssuer() {
        assertThatThrownBy(() -> read(Map.of("mp.jwt.verify.publickey.location", KEY_FILE), Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MP_JWT_VERIFY_ISSUER").hasMessageContaining("AUTH0_DOMAIN")
                .hasMessageNotContaining("\n");
    }

    @Test
    void refusesToStartWithoutAKey() {
        assertThatThrownBy(() -> read(Map.of("mp.jwt.verify.issuer", "https://issuer.test/"), Map.of()))
                .hasMessageContaining("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
    }

    @Test
    void startsWithAnOwnKeyPairAndAnIssuer() {
        TokenRules rules = read(ownKey(), Map.of());
        assertThat(rules.clockSkewSeconds()).isEqualTo(60);
    }

    @Test
    void refusesAuth0WithoutAnAudience() {
        assertThatThrownBy(() -> read(Map.of(), Map.of("AUTH0_DOMAIN", "tenant.eu.auth0.com")))
                .hasMessageContaining("AUTH0_AUDIENCE").hasMessageContaining("TUNNEL_AUTH_ACCEPT_ANY_AUDIENCE");
    }

    @Test
    void startsWithAuth0AndAnAudienceOrTheExplicitOptOut() {
        read(Map.of(), Map.of("AUTH0_DOMAIN", "tenant.eu.auth0.com", "AUTH0_AUDIENCE", "https://api.example.com"));
        read(Map.of("tunnel.auth.accept-any-audience", "true"), Map.of("AUTH0_DOMAIN", "tenant.eu.auth0.com"));
    }

    @Test
    void refusesAJwksUrlWithoutAnAudience() {
        assertThatThrownBy(() -> read(Map.of("mp.jwt.verify.publickey.location", "https://idp.example/jwks",
                "mp.jwt.verify.issuer", "https://idp.example/"), Map.of()))
                .hasMessageContaining("MP_JWT_VERIFY_AUDIENCES");
    }

    @Test
    void refusesAnAudienceTogetherWithTheOptOut() {
        Map<String, String> both = new HashMap<>(ownKey());
        both.put("mp.jwt.verify.audiences", "https://api.example.com");
        both.put("tunnel.auth.accept-any-audience", "true");
        assertThatThrownBy(() -> read(both, Map.of())).hasMessageContaining("contradicts");
    }

    @Test
    void refusesSymmetricAlgorithms() {
        Map<String, String> hs = new HashMap<>(ownKey());
        hs.put("mp.jwt.verify.publickey.algorithm", "RS256,HS256");
        assertThatThrownBy(() -> read(hs, Map.of())).hasMessageContaining("MP_JWT_VERIFY_PUBLICKEY_ALGORITHM")
                .hasMessageContaining("HS256");
    }

    @Test
    void refusesTheDeprecatedSingleAlgorithmSettingThatTheVerifierWouldNotRead() {
        Map<String, String> single = new HashMap<>(ownKey());
        single.put("smallrye.jwt.verify.algorithm", "HS256");
        assertThatThrownBy(() -> read(single, Map.of())).hasMessageContaining("MP_JWT_VERIFY_PUBLICKEY_ALGORITHM");
    }

    @Test
    void keepsTheAlgorithmsInTheOrderWrittenSoThatAPemKeyIsReadAsTheFirstOnesFamily() {
        Map<String, String> ec = new HashMap<>(ownKey());
        ec.put("mp.jwt.verify.publickey.algorithm", "ES256,RS256,PS256");
        JWTAuthContextInfo info = read(ec, Map.of()).applyTo(new JWTAuthContextInfo());
        assertThat(info.getSignatureAlgorithm()).containsExactly(SignatureAlgorithm.ES256, SignatureAlgorithm.RS256,
                SignatureAlgorithm.PS256);
    }

    @Test
    void givesTheParserTheOneClockSkew() {
        Map<String, String> skew = new HashMap<>(ownKey());
        skew.put("tunnel.auth.clock-skew", "5000");
        JWTAuthContextInfo smallryeDefaults = new JWTAuthContextInfo();
        smallryeDefaults.setExpGracePeriodSecs(300);
        JWTAuthContextInfo info = read(skew, Map.of()).applyTo(smallryeDefaults);
        assertThat(info.getClockSkew()).isEqualTo(5);
        assertThat(info.getExpGracePeriodSecs()).as("would take precedence over the skew in the parser").isZero();
    }

    @Test
    void refusesASecondClockSkewOrOneInFractionsOfASecond() {
        Map<String, String> mp = new HashMap<>(ownKey());
        mp.put("mp.jwt.verify.clock.skew", "30");
        assertThatThrownBy(() -> read(mp, Map.of())).hasMessageContaining("TUNNEL_AUTH_CLOCK_SKEW");
        Map<String, String> fraction = new HashMap<>(ownKey());
        fraction.put("tunnel.auth.clock-skew", "1500");
        assertThatThrownBy(() -> read(fraction, Map.of())).hasMessageContaining("TUNNEL_AUTH_CLOCK_SKEW");
    }

    private static Map<String, String> ownKey() {
        return Map.of("mp.jwt.verify.publickey.location", KEY_FILE, "mp.jwt.verify.issuer", "https://issuer.test/");
    }

    /** {@link TokenRules#read} over {@code properties} plus the AUTH0 shortcut of {@code env}. */
    private static TokenRules read(Map<String, String> properties, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(properties);
        env.forEach(all::putIfAbsent);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withSources(new PropertiesConfigSource(all, "test", 300), new Auth0ConfigSource(env)).build();
        return TokenRules.read(config, config.getConfigMapping(GatewayConfig.class).auth());
    }
}
