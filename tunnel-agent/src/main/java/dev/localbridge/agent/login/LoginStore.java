package dev.localbridge.agent.login;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The login file, {@code login.json} in the agent's configuration directory. It holds a refresh token, so only the
 * user may read it: the directory is {@code 0700}, the file {@code 0600}, and a new version is written to a temporary
 * file that has those permissions before it holds any byte, then moved over the old one (readers never see half a
 * file, and no moment exists where the token sits in a file others can read). On file systems without POSIX
 * permissions (Windows) the user's profile directory is what protects it.
 */
public final class LoginStore {

    public static final String FILE_NAME = "login.json";
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path directory;

    public LoginStore(Path directory) {
        this.directory = directory;
    }

    /** {@code $XDG_CONFIG_HOME/localbridge} (an absolute one), else {@code ~/.config/localbridge}. */
    public static Path defaultDirectory(Function<String, String> env) {
        String xdg = env.apply("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg.strip()).isAbsolute()
                ? Path.of(xdg.strip()) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("localbridge");
    }

    public Path file() {
        return directory.resolve(FILE_NAME);
    }

    /** The stored login, or empty when there is none; an {@link IOException} when the file is unreadable. */
    public Optional<LoginState> load() throws IOException {
        Path file = file();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(LoginState.fromJson(new JsonObject(Files.readString(file, StandardCharsets.UTF_8))));
        } catch (DecodeException | ClassCastException | IllegalArgumentException | NullPointerException
                | DateTimeParseException e) {
            throw new IOException("the login file " + file + " is damaged (" + e.getMessage()
                    + "): run `tunnel-agent login` again", e);
        }
    }

    public void save(LoginState state) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
            Files.setPosixFilePermissions(directory, DIRECTORY);
        } else {
            Files.createDirectories(directory);
        }
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, ".login-", ".tmp", attributes);
        try {
            Files.writeString(temporary, state.toJson().encodePrettily(), StandardCharsets.UTF_8);
            Files.move(temporary, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Deletes the login file; whether there was one. */
    public boolean delete() throws IOException {
        return Files.deleteIfExists(file());
    }
}
