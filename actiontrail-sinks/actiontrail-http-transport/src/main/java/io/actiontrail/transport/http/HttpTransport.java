package io.actiontrail.transport.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * How an HTTP sink talks to its destination: the OkHttp client it sends with, created here with the configured
 * timeouts (and no redirects: an audit batch is never sent somewhere else than configured) or borrowed from the
 * application; the clock that dates requests; and what an answer means for delivery — which statuses are worth a
 * retry, and how long a {@code Retry-After} asks to wait, capped at {@link Builder#maxRetryAfter}.
 *
 * <pre>{@code
 * HttpTransport transport = HttpTransport.builder().callTimeout(Duration.ofSeconds(10)).build();
 * WebhookAuditSink sink = WebhookAuditSink.builder(url).secret(secret).transport(transport).build();
 * }</pre>
 *
 * <p>A sink closes a transport it created and leaves one it was given open; {@link #close()} in turn shuts down the
 * client only if the transport created it. Thread-safe.
 */
public final class HttpTransport implements AutoCloseable {

    /** The default connect timeout of a client the transport creates: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The default whole-call timeout of a client the transport creates: 30 seconds. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    /** The default longest {@code Retry-After} honoured: 5 minutes. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final OkHttpClient client;
    private final boolean ownsClient;
    private final Duration maxRetryAfter;
    private final Clock clock;
    private volatile boolean closed;

    private HttpTransport(OkHttpClient client, boolean ownsClient, Duration maxRetryAfter, Clock clock) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.maxRetryAfter = maxRetryAfter;
        this.clock = clock;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a transport with the defaults: its own client, 10 s to connect, 30 s per call, the system clock. */
    public static HttpTransport createDefault() {
        return builder().build();
    }

    /** Returns the client requests are sent with. */
    public OkHttpClient client() {
        return client;
    }

    /** Returns the clock that dates requests and measures {@code Retry-After} dates. */
    public Clock clock() {
        return clock;
    }

    /** Returns the longest {@code Retry-After} honoured. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /**
     * Whether an HTTP status means "later" rather than "never": 408 (request timeout), 429 (too many requests) and
     * every 5xx. Any other 4xx means the destination refuses the request as it is.
     */
    public static boolean isRetryable(int status) {
        return status == 408 || status == 429 || status / 100 == 5;
    }

    /**
     * Returns how long the answer's {@code Retry-After} header asks to wait, capped at {@link #maxRetryAfter()};
     * {@code null} when there is none or it is malformed. A date in the past asks for no wait.
     */
    public @Nullable Duration retryAfter(Response response) {
        Duration wait = RetryAfter.parse(response.header("Retry-After"), clock.instant());
        return wait == null || wait.compareTo(maxRetryAfter) <= 0 ? wait : maxRetryAfter;
    }

    /** Returns the time now, by the transport's clock. */
    public Instant now() {
        return clock.instant();
    }

    /** Shuts down the client if this transport created it; a borrowed client stays open. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsClient) {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    /** Says whose client this is and its timeouts; nothing secret is held here. */
    @Override
    public String toString() {
        return "HttpTransport{" + (ownsClient ? "own client" : "borrowed client") + ", connectTimeout="
                + Duration.ofMillis(client.connectTimeoutMillis()) + ", callTimeout="
                + Duration.ofMillis(client.callTimeoutMillis()) + ", maxRetryAfter=" + maxRetryAfter + '}';
    }

    /** Builds an {@link HttpTransport}. Not thread-safe. */
    public static final class Builder {
        private @Nullable OkHttpClient client;
        private @Nullable Duration connectTimeout;
        private @Nullable Duration callTimeout;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /**
         * Sets the client to send with, which the transport borrows and never closes: for a client shared with the
         * application, or with its own TLS, proxy or interceptors. Defaults to one the transport creates.
         */
        public Builder client(OkHttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Sets the connect timeout of the client the transport creates; defaults to 10 seconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Sets the whole-call timeout of the client the transport creates; defaults to 30 seconds. */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = positive(callTimeout, "callTimeout");
            return this;
        }

        /** Sets the longest {@code Retry-After} honoured; a longer one is cut to this. Defaults to 5 minutes. */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            if (maxRetryAfter.isNegative()) {
                throw new IllegalArgumentException("maxRetryAfter must not be negative: " + maxRetryAfter);
            }
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /** Sets the clock that dates requests; defaults to the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Returns the transport.
         *
         * @throws IllegalStateException if timeouts were set together with a borrowed client: they would be ignored
         */
        public HttpTransport build() {
            OkHttpClient borrowed = client;
            if (borrowed != null) {
                if (connectTimeout != null || callTimeout != null) {
                    throw new IllegalStateException("connectTimeout and callTimeout apply to a client the transport"
                            + " creates; set them on the given client");
                }
                return new HttpTransport(borrowed, false, maxRetryAfter, clock);
            }
            OkHttpClient created = new OkHttpClient.Builder()
                    .connectTimeout(connectTimeout != null ? connectTimeout : DEFAULT_CONNECT_TIMEOUT)
                    .callTimeout(callTimeout != null ? callTimeout : DEFAULT_CALL_TIMEOUT)
                    .followRedirects(false)
                    .build();
            return new HttpTransport(created, true, maxRetryAfter, clock);
        }

        private static Duration positive(Duration value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }
    }
}
