package dev.localbridge.agent.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginStoreTest {

    @TempDir
    Path home;

    static LoginState sample(String accessToken) {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        return new LoginState("https://sso.example.com/realms/x", "tunnel-agent", "localbridge", "openid profile",
                URI.create("https://sso.example.com/realms/x/token"), null, accessToken, now, now.plusSeconds(300),
                "refresh-secret", "user-1", "alice");
    }

    @Test
    void savesOnlyTheUserCanReadInADirectoryOnlyTheUserCanEnter() throws Exception {
        LoginStore store = new LoginStore(home.resolve("config/localbridge"));

        store.save(sample("access-1"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file().getParent())))
                .isEqualTo("rwx------");
        assertThat(store.load()).contains(sample("access-1"));
    }

    @Test
    void aNewVersionReplacesTheOldOneWholeAndLeavesNoTemporaryFile() throws Exception {
        LoginStore store = new LoginStore(home);
        store.save(sample("access-1"));

        store.save(sample("access-2"));

        assertThat(store.load().orElseThrow().accessToken()).isEqualTo("access-2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        try (var files = Files.list(home)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(LoginStore.FILE_NAME);
        }
    }

    @Test
    void aWidelyReadableDirectoryIsMadePrivate() throws Exception {
        Path dir = Files.createDirectory(home.resolve("localbridge"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        new LoginStore(dir).save(sample("a"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void noFileIsNoLoginAndADamagedFileSaysSo() throws Exception {
        LoginStore store = new LoginStore(home);
        assertThat(store.load()).isEmpty();
        assertThat(store.delete()).isFalse();

        Files.writeString(store.file(), "{\"format\":1,\"issuer\":");

        assertThatThrownBy(store::load).isInstanceOf(IOException.class).hasMessageContaining("damaged")
                .hasMessageContaining("tunnel-agent login");
    }

    @Test
    void theDefaultDirectoryFollowsXdg() {
        assertThat(LoginStore.defaultDirectory(Map.of("XDG_CONFIG_HOME", "/x/cfg")::get))
                .isEqualTo(Path.of("/x/cfg/localbridge"));
        assertThat(LoginStore.defaultDirectory(Map.<String, String>of()::get))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".config", "localbridge"));
    }
}
