package dev.localbridge.gateway.auth;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import com.sun.net.httpserver.HttpServer;

import dev.localbridge.gateway.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An identity provider's JWKS endpoint, served over HTTP on a free port: an RSA key ({@value #RSA_KID}), an EC P-256
 * key ({@value #EC_KID}), and a symmetric key ({@value #SHARED_KID}) that the gateway must never use, since a JWKS is
 * public and an HMAC key in it would let anyone sign. The private halves are in {@code src/test/resources/jwks}.
 */
public class JwksResource implements QuarkusTestResourceLifecycleManager {

    static final String RSA_KID = "rsa-1";
    static final String EC_KID = "ec-1";
    static final String SHARED_KID = "shared-1";
    /** The HMAC key published as {@value #SHARED_KID}, 32 bytes for HS256. */
    static final byte[] SHARED_SECRET = "localbridge-test-shared-secret-!".getBytes(StandardCharsets.US_ASCII);

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        byte[] jwks = jwks().getBytes(StandardCharsets.UTF_8);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("JWKS server did not start", e);
        }
        server.createContext("/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();
        return Map.of("mp.jwt.verify.publickey.location",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json",
                "mp.jwt.verify.audiences", JwksTest.AUDIENCE);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String jwks() {
        try {
            PublicJsonWebKey rsa = PublicJsonWebKey.Factory.newPublicJwk(
                    Tokens.publicKey("/jwks/rsa-public.pem", "RSA"));
            rsa.setKeyId(RSA_KID);
            PublicJsonWebKey ec = PublicJsonWebKey.Factory.newPublicJwk(Tokens.publicKey("/jwks/ec-public.pem", "EC"));
            ec.setKeyId(EC_KID);
            OctetSequenceJsonWebKey shared = new OctetSequenceJsonWebKey(
                    new SecretKeySpec(SHARED_SECRET, "HmacSHA256"));
            shared.setKeyId(SHARED_KID);
            return new JsonWebKeySet(List.of(rsa, ec, shared)).toJson(JsonWebKey.OutputControlLevel.INCLUDE_SYMMETRIC);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
