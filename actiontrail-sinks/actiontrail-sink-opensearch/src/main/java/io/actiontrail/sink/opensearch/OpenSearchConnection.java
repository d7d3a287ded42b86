package io.actiontrail.sink.opensearch;

import io.actiontrail.transport.http.HttpTransport;
import io.actiontrail.transport.http.TransportLease;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Where an OpenSearch or Elasticsearch cluster is and how to authenticate to it: the base URL ({@code https://…} for
 * TLS), basic authentication or an API key, and the {@link HttpTransport} to send through. Shared by {@link OpenSearchAuditSink}
 * and {@link OpenSearchEventStore}.
 *
 * <pre>{@code
 * OpenSearchConnection connection = OpenSearchConnection.builder("https://search.internal:9200")
 *         .basicAuth("actiontrail", System.getenv("OPENSEARCH_PASSWORD"))
 *         .build();
 * }</pre>
 *
 * <p>A transport given to {@link Builder#transport} is borrowed and never closed; otherwise the connection creates one
 * (60 seconds per call, for bulk requests) and closes it in {@link #close()}. For custom trust stores or client
 * certificates, configure your own OkHttp client's {@code sslSocketFactory} and pass it in a transport.
 * {@link #toString()} never shows the password or API key.
 *
 * <p>Immutable and thread-safe.
 */
public final class OpenSearchConnection implements AutoCloseable {

    /** The whole-call timeout of the transport the connection creates when given none: 60 seconds. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

    private final HttpUrl baseUrl;
    private final @Nullable String authorization;
    private final String authDescription;
    private final TransportLease lease;
    private final HttpTransport transport;

    private OpenSearchConnection(Builder builder, TransportLease lease) {
        this.baseUrl = builder.baseUrl;
        this.authorization = builder.authorization;
        this.authDescription = builder.authDescription;
        this.lease = lease;
        this.transport = lease.transport();
    }

    /**
     * Returns a builder of a connection to the cluster at {@code url}, for example {@code http://localhost:9200}.
     *
     * @throws IllegalArgumentException if {@code url} is not an absolute http or https URL
     */
    public static Builder builder(String url) {
        Objects.requireNonNull(url, "url");
        HttpUrl parsed = HttpUrl.parse(url.strip());
        if (parsed == null) {
            throw new IllegalArgumentException("url must be an absolute http or https URL: '" + url + "'");
        }
        if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
            throw new IllegalArgumentException("url must not hold credentials; use basicAuth(...) instead");
        }
        return new Builder(parsed);
    }

    /** Returns the URL of the given path under the base URL; segments are encoded. */
    HttpUrl url(String... segments) {
        HttpUrl.Builder b = baseUrl.newBuilder();
        for (String segment : segments) {
            b.addPathSegment(segment);
        }
        return b.build();
    }

    /** Sends the request with the configured credentials. */
    Response execute(Request request) throws IOException {
        Request.Builder b = request.newBuilder();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return transport.client().newCall(b.build()).execute();
    }

    /** Returns the base URL, without credentials, for messages. */
    String describe() {
        return baseUrl.scheme() + "://" + baseUrl.host() + ":" + baseUrl.port();
    }

    HttpTransport transport() {
        return transport;
    }

    /** Closes the transport if this connection created it; a borrowed one stays open. Idempotent. */
    @Override
    public void close() {
        lease.close();
    }

    @Override
    public String toString() {
        return "OpenSearchConnection{" + describe() + ", auth=" + authDescription + '}';
    }

    /** Builds an {@link OpenSearchConnection}. Not thread-safe. */
    public static final class Builder {
        private final HttpUrl baseUrl;
        private @Nullable String authorization;
        private String authDescription = "none";
        private @Nullable HttpTransport transport;

        private Builder(HttpUrl baseUrl) {
            this.baseUrl = baseUrl;
        }

        /** Authenticates with a user name and password (HTTP basic, over https in production). */
        public Builder basicAuth(String username, String password) {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            if (username.isBlank() || username.contains(":")) {
                throw new IllegalArgumentException("username must not be blank or contain ':': '" + username + "'");
            }
            String pair = username + ":" + password;
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
            this.authDescription = "basic " + username;
            return this;
        }

        /**
         * Authenticates with an API key as the cluster issued it: the base64 {@code id:api_key} value Elasticsearch
         * calls {@code encoded}, sent as {@code Authorization: ApiKey <value>}.
         */
        public Builder apiKey(String encodedApiKey) {
            Objects.requireNonNull(encodedApiKey, "apiKey");
            if (encodedApiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank");
            }
            this.authorization = "ApiKey " + encodedApiKey.strip();
            this.authDescription = "apiKey";
            return this;
        }

        /**
         * Sets the transport to send through (client, timeouts, clock, longest {@code Retry-After}), borrowed and
         * never closed; defaults to one the connection creates with a call timeout of 60 seconds.
         */
        public Builder transport(HttpTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** Returns the connection. */
        public OpenSearchConnection build() {
            HttpTransport given = transport;
            return new OpenSearchConnection(
                    this,
                    given != null
                            ? TransportLease.of(given)
                            : TransportLease.owning(HttpTransport.builder()
                                    .callTimeout(DEFAULT_CALL_TIMEOUT)
                                    .build()));
        }
    }
}
