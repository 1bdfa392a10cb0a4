package dev.localbridge.agent.login;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Opens an address in the user's browser; says whether it could. */
@FunctionalInterface
public interface Browser {

    boolean open(URI address);

    /** Never opens anything: the user copies the printed address ({@code --no-browser}, tests). */
    Browser NONE = address -> false;

    /**
     * The system's browser through the platform's opener ({@code open} on macOS, {@code rundll32} on Windows,
     * {@code xdg-open} elsewhere, there only with a graphical session, so that a terminal-only machine does not end
     * up in a text browser).
     */
    static Browser system(Function<String, String> env) {
        return address -> {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            List<String> command;
            if (os.contains("mac")) {
                command = List.of("open", address.toString());
            } else if (os.contains("windows")) {
                command = List.of("rundll32", "url.dll,FileProtocolHandler", address.toString());
            } else if (env.apply("DISPLAY") != null || env.apply("WAYLAND_DISPLAY") != null) {
                command = List.of("xdg-open", address.toString());
            } else {
                return false;
            }
            try {
                new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return true;
            } catch (IOException e) {
                return false;
            }
        };
    }
}
