package dev.localbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the benchmark load tool used by {@code bench/run.sh}.
 *
 * <pre>
 * java -jar localbridge-bench.jar latency --url http://127.0.0.1:8080/small.json --rate 1000 --duration 10 \
 *      [--warmup 2] [--token-file FILE] [--header 'Name: value']...
 * java -jar localbridge-bench.jar connect --url ws://127.0.0.1:8080/ws/tunnel --count 50 --token-file FILE \
 *      [--warmup 5] [--subprotocol localbridge.tunnel.v2]
 * java -jar localbridge-bench.jar idle --url ws://127.0.0.1:8080/ws/tunnel --private-key keys/private.pem \
 *      --count 10000 [--users N] [--issuer ISS] [--concurrency 64] [--hold 20] [--ready-file FILE]
 * </pre>
 *
 * Each command prints a human summary on stderr and exactly one machine-readable line on stdout:
 * {@code RESULT key=value ...} (latencies in microseconds).
 */
public final class BenchTool {

    private BenchTool() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage();
            System.exit(args.length == 0 ? 2 : 0);
        }
        Options o = Options.parse(args, 1);
        int rc = switch (args[0]) {
            case "latency" -> FixedRateLatency.run(o);
            case "connect" -> TunnelConnect.run(o);
            case "idle" -> IdleTunnels.run(o);
            default -> {
                usage();
                yield 2;
            }
        };
        System.exit(rc);
    }

    static void usage() {
        System.err.println("""
            usage:
              latency --url URL [--rate REQ_PER_S=1000] [--duration S=10] [--warmup S=2]
                      [--token-file FILE] [--header 'Name: value']...
                  GET URL on ONE keep-alive HTTP/1.1 connection at a fixed rate; latency measured from each
                  request's scheduled send time (coordinated-omission corrected), HdrHistogram.
              connect --url ws://HOST:PORT/ws/tunnel --token-file FILE [--count N=50] [--warmup N=5]
                      [--subprotocol localbridge.tunnel.v2]
                  N sequential WebSocket opens (TCP connect + upgrade with Authorization: Bearer until 101),
                  each closed before the next one starts.
              idle --url ws://HOST:PORT/ws/tunnel --private-key PKCS8.pem [--issuer ISS] [--count N=1000]
                   [--users N=count] [--user-prefix idle-] [--concurrency 64] [--hold S=20] [--ready-file FILE]
                  Opens N tunnels (one per user unless --users is smaller; tokens minted here, RS256), answers
                  the gateway's pings, writes 'opened=N' to --ready-file once every open was tried, holds them
                  for S seconds and counts the ones the gateway closed meanwhile (exit 1 if any, or any refused).
            Output: a summary on stderr and one 'RESULT key=value ...' line on stdout (times in microseconds).""");
    }

    /** Minimal "--name value" option parser; repeated options are kept in order. */
    static final class Options {
        private final Map<String, List<String>> values = new LinkedHashMap<>();

        static Options parse(String[] args, int from) {
            Options o = new Options();
            for (int i = from; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value, got: " + a);
                }
                o.values.computeIfAbsent(a.substring(2), k -> new ArrayList<>()).add(args[++i]);
            }
            return o;
        }

        String get(String name, String def) {
            List<String> v = values.get(name);
            return v == null ? def : v.getLast();
        }

        String require(String name) {
            String v = get(name, null);
            if (v == null) {
                throw new IllegalArgumentException("missing --" + name);
            }
            return v;
        }

        List<String> all(String name) {
            return values.getOrDefault(name, List.of());
        }

        double number(String name, double def) {
            return Double.parseDouble(get(name, Double.toString(def)));
        }

        /** The bearer token from --token-file, or null. */
        String token() throws IOException {
            String f = get("token-file", null);
            return f == null ? null : Files.readString(Path.of(f)).strip();
        }
    }
}
