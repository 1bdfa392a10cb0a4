package dev.localbridge.agent;

import dev.localbridge.agent.login.LoginException;
import dev.localbridge.agent.login.LoginState;
import dev.localbridge.agent.login.LoginStore;
import dev.localbridge.agent.login.OidcHttp;
import dev.localbridge.agent.login.TokenRefresh;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tunnel-agent logout}: revokes the sign-in at the provider (RFC 7009, when it offers revocation) and deletes
 * the login file. The file goes even when revocation fails, so that nothing is left on the machine.
 */
@Command(name = "logout", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Revokes the sign-in at the identity provider (where it offers revocation) and deletes the"
                + " login file.",
        footer = "%nExit codes: 0 signed out (or was not signed in), 1 the provider could not revoke the sign-in"
                + " (the login file is deleted all the same).")
final class LogoutCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoginStore store = main.loginStore();
        Optional<LoginState> stored;
        try {
            stored = store.load();
        } catch (IOException e) {
            stored = Optional.empty();
            err.println(e.getMessage());
        }
        int code = 0;
        if (stored.isPresent()) {
            LoginState login = stored.get();
            try {
                if (new TokenRefresh(OidcHttp.newClient()).revoke(login)) {
                    out.println("Revoked the sign-in of " + login.who() + " at " + login.issuer() + ".");
                } else {
                    out.println("The identity provider offers no revocation: tokens already issued stay valid until"
                            + " they expire.");
                }
            } catch (IOException | LoginException e) {
                err.println("Could not revoke the sign-in at " + login.issuer() + ": " + e.getMessage());
                code = 1;
            }
        }
        try {
            if (store.delete()) {
                out.println("Signed out: deleted " + store.file() + ".");
            } else if (stored.isEmpty()) {
                out.println("Not signed in.");
            }
        } catch (IOException e) {
            err.println("Cannot delete " + store.file() + ": " + e.getMessage());
            return 1;
        }
        return code;
    }
}
