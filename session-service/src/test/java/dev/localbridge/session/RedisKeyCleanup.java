package dev.localbridge.session;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Deletes the keys of one test run (everything under its prefix) from the shared Redis when the run's Quarkus
 * application stops, so test runs leave no epoch counters or rate-limit windows behind.
 */
public class RedisKeyCleanup implements QuarkusTestResourceLifecycleManager {

    private String prefix;
    private String host = "127.0.0.1";
    private String port = "6379";

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs.get("prefix");
    }

    @Override
    public Map<String, String> start() {
        return Map.of();
    }

    @Override
    public void stop() {
        if (prefix == null || !prefix.startsWith("lbtest:")) {
            return;
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", "redis-cli -h " + host + " -p " + port + " --scan --pattern '"
                    + prefix + "*' | xargs -r redis-cli -h " + host + " -p " + port + " del")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: leftover keys carry a unique prefix and harm nobody
        }
    }
}
