package dev.localbridge.agent;

import dev.localbridge.agent.login.LoginState;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tunnel-agent whoami}: who is signed in, at which provider, and until when the access token is valid. */
@Command(name = "whoami", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Says who is signed in and until when the access token is valid.",
        footer = "%nExit codes: 0 signed in, 5 not signed in.")
final class WhoamiCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<LoginState> stored;
        try {
            stored = main.storedLogin();
        } catch (Main.NotSignedIn e) {
            spec.commandLine().getErr().println(e.getMessage());
            return Main.EXIT_NOT_SIGNED_IN;
        }
        if (stored.isEmpty()) {
            spec.commandLine().getErr().println("Not signed in: run `tunnel-agent login`.");
            return Main.EXIT_NOT_SIGNED_IN;
        }
        LoginState login = stored.get();
        if (login.accessTokenExpiresAt().isAfter(Instant.now())) {
            out.println(LoginCommand.signedIn(login));
        } else {
            out.println("Signed in as " + login.who() + " (issuer " + login.issuer() + "), access token expired at "
                    + login.accessTokenExpiresAt().truncatedTo(ChronoUnit.SECONDS)
                    + (login.refreshToken() == null ? " and cannot be renewed: run `tunnel-agent login`"
                            : " (renewed when the agent next runs)"));
        }
        out.println("Subject: " + login.subject() + ", client: " + login.clientId()
                + (login.audience() == null ? "" : ", audience: " + login.audience()));
        out.println("Login file: " + main.loginStore().file());
        return 0;
    }
}
