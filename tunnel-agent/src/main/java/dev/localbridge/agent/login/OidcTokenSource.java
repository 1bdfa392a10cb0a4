package dev.localbridge.agent.login;

import dev.localbridge.agent.Backoff;
import dev.localbridge.agent.TokenSource;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The user's login as the agent's token source: hands out the stored access token and renews it in the background
 * before it expires — at 75 % of its lifetime or 30 s before it expires, whichever comes first (never before half of
 * it) — and saves each renewal to the login file.
 *
 * <p>A provider that cannot be reached or fails (5xx, 429) is asked again with backoff while the current token stays
 * in use: the tunnel keeps serving, and the gateway decides when a token is too old. A provider that refuses the
 * refresh (the grant was revoked or has expired, {@code invalid_grant} or any other 4xx) ends the login: one log line,
 * then the handler given at construction runs ({@code tunnel-agent} exits with code 4 there).
 */
public final class OidcTokenSource implements TokenSource, AutoCloseable {

    /** The line logged when the provider refuses the refresh. */
    public static final String LOGIN_INVALID =
            "the sign-in is no longer valid (revoked or expired): run `tunnel-agent login` again";

    private static final Logger LOG = Logger.getLogger(OidcTokenSource.class.getName());
    private static final Duration EARLY = Duration.ofSeconds(30);

    private final LoginStore store;
    private final TokenRefresh refresh;
    private final Runnable onLoginInvalid;
    private final Clock clock;
    private final Backoff backoff;
    private final ScheduledThreadPoolExecutor scheduler;
    private volatile LoginState login;
    private volatile boolean refreshing;
    private ScheduledFuture<?> next;
    private boolean ended;

    /** Retries after 1 s, growing to at most 30 s. */
    public OidcTokenSource(LoginStore store, LoginState login, HttpClient client, Runnable onLoginInvalid) {
        this(store, login, new TokenRefresh(client), onLoginInvalid, Duration.ofSeconds(1), Duration.ofSeconds(30),
                Clock.systemUTC());
    }

    OidcTokenSource(LoginStore store, LoginState login, TokenRefresh refresh, Runnable onLoginInvalid,
            Duration retryMin, Duration retryMax, Clock clock) {
        this.store = store;
        this.login = login;
        this.refresh = refresh;
        this.onLoginInvalid = onLoginInvalid;
        this.clock = clock;
        this.backoff = new Backoff(retryMin, retryMax);
        this.scheduler = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "login-refresh");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Schedules the first renewal (at once when the stored token is already due); returns this source. */
    public OidcTokenSource start() {
        schedule(untilRenewal(login));
        return this;
    }

    @Override
    public String current() {
        return login.accessToken();
    }

    /** Renews at once, unless a renewal is already under way. */
    @Override
    public void renewNow() {
        if (!refreshing) {
            schedule(Duration.ZERO);
        }
    }

    /** The login as it stands now (renewed ones included). */
    public LoginState login() {
        return login;
    }

    @Override
    public void close() {
        synchronized (this) {
            ended = true;
        }
        scheduler.shutdownNow();
    }

    /** When the login's access token should be renewed, from now; zero when it is due. */
    Duration untilRenewal(LoginState state) {
        Instant obtained = state.accessTokenObtainedAt();
        Instant expires = state.accessTokenExpiresAt();
        Instant at = expires;
        if (state.refreshToken() != null) {
            Duration lifetime = Duration.between(obtained, expires);
            Instant threeQuarters = obtained.plus(lifetime.multipliedBy(3).dividedBy(4));
            Instant early = expires.minus(EARLY);
            Instant half = obtained.plus(lifetime.dividedBy(2));
            at = threeQuarters.isBefore(early) ? threeQuarters : early;
            at = at.isBefore(half) ? half : at;
        }
        Duration wait = Duration.between(clock.instant(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    private synchronized void schedule(Duration delay) {
        if (ended) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        next = scheduler.schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void renew() {
        refreshing = true;
        LoginState old = login;
        try {
            LoginState renewed = refresh.refresh(old);
            login = renewed;
            backoff.reset();
            save(renewed);
            LOG.info("access token renewed, valid until " + renewed.accessTokenExpiresAt());
            schedule(untilRenewal(renewed));
        } catch (OidcException e) {
            if (e.isTransient()) {
                retry(old, e.getMessage());
            } else {
                end(e);
            }
        } catch (IOException e) {
            retry(old, "cannot reach the identity provider (" + e + ")");
        } catch (LoginException e) {
            end(e);
        } finally {
            refreshing = false;
        }
    }

    private void retry(LoginState old, String why) {
        Duration delay = backoff.next();
        LOG.warning("cannot renew the access token: " + why + "; retrying in " + delay.toMillis()
                + " ms, the current one is valid until " + old.accessTokenExpiresAt());
        schedule(delay);
    }

    private void end(LoginException e) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        LOG.severe(LOGIN_INVALID + " (" + e.getMessage() + ")");
        onLoginInvalid.run();
    }

    private void save(LoginState renewed) {
        try {
            store.save(renewed);
        } catch (IOException e) {
            LOG.warning("cannot save the renewed sign-in to " + store.file() + " (" + e.getMessage()
                    + "); the agent keeps using it");
        }
    }
}
