package dev.localbridge.gateway.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import dev.localbridge.agent.TunnelAgent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * The setup most gateway tests share: the fake Ollama, and real agents connected for the users the test names in
 * {@link #users()}, started once per class and closed after it.
 */
@QuarkusTestResource(FakeOllamaResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TunnelTestBase {

    @TestHTTPResource("/")
    protected URI base;

    protected FakeOllama fake;
    protected Agents agents;

    /** The users whose agents tunnel to the fake Ollama for the whole class. */
    protected abstract String[] users();

    @BeforeAll
    void connectAgents() {
        agents = new Agents(base);
        for (String user : users()) {
            agents.connect(user, fake.url());
        }
    }

    @AfterAll
    void closeAgents() {
        agents.close();
    }

    /** Reads lines until one contains {@code text}; returns it, or {@code null} at the end of the stream. */
    public static String readUntil(BufferedReader in, String text) throws IOException {
        String line;
        do {
            line = in.readLine();
        } while (line != null && !line.contains(text));
        return line;
    }

    /** The agent connected for {@code user} in this class. */
    protected TunnelAgent agent(String user) {
        return agents.agent(user);
    }
}
