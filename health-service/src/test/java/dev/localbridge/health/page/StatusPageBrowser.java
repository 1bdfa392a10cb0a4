package dev.localbridge.health.page;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Opens a page in Debian's headless Chromium ({@code /usr/bin/chromium}, package {@code chromium}), one
 * short-lived browser process per call, and hands back what the page showed: its DOM after scripts ran, or a PNG.
 *
 * <p>The page runs for a budget of <em>virtual</em> time ({@code --virtual-time-budget}): Chromium advances the
 * page's clock (timers, {@code Date.now()}) as fast as it can while no network fetch is pending, so a page that
 * polls its API every 2 s with {@code fetch} + {@code setTimeout} completes about five polls in a 10 s budget within
 * a second or so of real time. The page's clock moves, not the server's: a live server answers these polls in quick
 * succession. The DOM or screenshot is taken when the budget is spent.
 *
 * <p>Each run uses a fresh profile directory (deleted afterwards), the flags this machine's closed network needs
 * (no background networking, no component updates, no QUIC), and is killed after the budget plus
 * {@link #PROCESS_MARGIN}; a failure message carries the tail of Chromium's stderr.
 *
 * <pre>{@code
 * Document page = StatusPageBrowser.open(URI.create("http://127.0.0.1:8080/"), Duration.ofSeconds(10));
 * page.body().attr("data-polled-at");
 * page.selectFirst("[data-field=figures.successRate]").attr("data-value");
 * StatusPageBrowser.screenshot(uri, Path.of("target/status-page.png"), 1280, 1600, Duration.ofSeconds(5));
 * }</pre>
 */
public final class StatusPageBrowser {

    /** Debian's Chromium launcher. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** Real time allowed on top of the virtual time budget for start-up, network and shut-down. */
    public static final Duration PROCESS_MARGIN = Duration.ofSeconds(60);

    private static final int STDERR_TAIL_CHARS = 4000;

    private StatusPageBrowser() {
    }

    /**
     * Loads {@code url}, lets the page run for {@code virtualTime} and returns the serialised DOM
     * ({@code --dump-dom}), as rendered in a 1280x1000 window.
     */
    public static String dumpDom(URI url, Duration virtualTime) {
        return run(url, virtualTime, List.of("--window-size=1280,1000", "--dump-dom"), stdout -> {
            String dom = Files.readString(stdout, StandardCharsets.UTF_8);
            return dom.isBlank() ? null : dom;
        });
    }

    /** {@link #dumpDom} parsed with jsoup, relative links resolved against {@code url}. */
    public static Document open(URI url, Duration virtualTime) {
        return parse(dumpDom(url, virtualTime), url);
    }

    /** Parses a DOM string as a browser would (jsoup's HTML5 parser). */
    public static Document parse(String html, URI baseUrl) {
        return Jsoup.parse(html, baseUrl.toString());
    }

    /**
     * Loads {@code url} in a {@code width}x{@code height} window, lets the page run for {@code virtualTime} and
     * writes a PNG of the window to {@code png} (parent directories created). Returns {@code png}.
     */
    public static Path screenshot(URI url, Path png, int width, int height, Duration virtualTime) {
        Path target = png.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return run(url, virtualTime,
                List.of("--window-size=" + width + "," + height, "--hide-scrollbars", "--screenshot=" + target),
                stdout -> Files.isRegularFile(target) && Files.size(target) > 0 ? target : null);
    }

    @FunctionalInterface
    private interface Result<T> {
        /** The result of a run that exited 0, or null when it produced nothing (the run then fails). */
        T read(Path stdout) throws IOException;
    }

    private static <T> T run(URI url, Duration virtualTime, List<String> action, Result<T> result) {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException(CHROMIUM + " not found; install chromium: apt-get install -y chromium");
        }
        Path workDir = null;
        try {
            workDir = Files.createTempDirectory("status-page-chromium");
            Path stdout = workDir.resolve("stdout");
            Path stderr = workDir.resolve("stderr");
            List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(),
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + workDir.resolve("profile"),
                    "--virtual-time-budget=" + virtualTime.toMillis()));
            command.addAll(action);
            command.add(url.toString());

            Process process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            Duration timeout = virtualTime.plus(PROCESS_MARGIN);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw failure("did not finish within " + timeout.toSeconds() + " s", command, stderr);
            }
            if (process.exitValue() != 0) {
                throw failure("exited with " + process.exitValue(), command, stderr);
            }
            T value = result.read(stdout);
            if (value == null) {
                throw failure("exited 0 but produced nothing", command, stderr);
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Chromium loaded " + url, e);
        } finally {
            deleteRecursively(workDir);
        }
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static IllegalStateException failure(String what, List<String> command, Path stderr) {
        String err;
        try {
            err = Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            err = "(stderr unreadable: " + e + ")";
        }
        if (err.length() > STDERR_TAIL_CHARS) {
            err = "…" + err.substring(err.length() - STDERR_TAIL_CHARS);
        }
        return new IllegalStateException("Chromium " + what + ": " + String.join(" ", command)
                + "\n--- stderr ---\n" + err);
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a profile file Chromium still held is not worth failing a test for
        }
    }
}
