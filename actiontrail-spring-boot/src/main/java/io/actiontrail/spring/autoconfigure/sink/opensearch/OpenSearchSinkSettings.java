package io.actiontrail.spring.autoconfigure.sink.opensearch;

import io.actiontrail.format.EventFormat;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.opensearch.OpenSearchAuditSink;
import io.actiontrail.sink.opensearch.OpenSearchConnection;
import io.actiontrail.spring.autoconfigure.sink.HttpSinkSettings;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import io.actiontrail.transport.http.HttpTransport;
import java.util.Locale;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@code type: opensearch} sinks from {@code actiontrail.sinks.<name>.*}: the cluster's {@code url}, basic
 * authentication ({@code username}, {@code password}) or an {@code api-key}, the client's timeouts, the index prefix
 * and template settings, the documents' {@code format}, and batching. The same settings make the shared query store when {@code query-store=true}
 * (see {@link OpenSearchQueryStore}). A bad value fails naming its property; the password and the API key never appear
 * in a message, nor the URL's user info or query. Bound once, then only read: not thread-safe.
 */
final class OpenSearchSinkSettings extends HttpSinkSettings {

    /** The type name, {@code actiontrail.sinks.<name>.type=opensearch}. */
    static final String TYPE = "opensearch";

    /** The cluster's base URL, such as https://search.internal:9200 (required). */
    private @Nullable String url;

    /** The user name for HTTP basic authentication, with password. */
    private @Nullable String username;

    /** The password for HTTP basic authentication, with username. */
    private @Nullable String password;

    /** An API key as the cluster issued it (the base64 id:api_key), instead of username and password. */
    private @Nullable String apiKey;

    /** The index prefix: events go to {index}-yyyy.MM.dd (UTC day of the event). Defaults to actiontrail. */
    private @Nullable String index;

    /** Whether the index template {index} is installed on the first write; defaults to true. */
    private @Nullable Boolean installTemplate;

    /** The primary shards of each daily index, in the template; defaults to 1. */
    private @Nullable Integer shards;

    /** The replicas of each daily index, in the template; defaults to the cluster's default. */
    private @Nullable Integer replicas;

    /** The refresh parameter of each _bulk request: true, wait_for or false; defaults to none. */
    private @Nullable Refresh refresh;

    /**
     * The document format: actiontrail (the default, the journal's JSON line, which the query store reads), ocsf,
     * cloudevents or cloudtrail; another format installs no index template and cannot be the query store.
     */
    private @Nullable String format;

    /**
     * Whether the application's EventStore bean looks events up in this sink's indices instead of the local
     * journal; at most one sink. Defaults to false.
     */
    private boolean queryStore;

    public @Nullable String getUrl() {
        return url;
    }

    public void setUrl(@Nullable String url) {
        this.url = url;
    }

    public @Nullable String getUsername() {
        return username;
    }

    public void setUsername(@Nullable String username) {
        this.username = username;
    }

    public @Nullable String getPassword() {
        return password;
    }

    public void setPassword(@Nullable String password) {
        this.password = password;
    }

    public @Nullable String getApiKey() {
        return apiKey;
    }

    public void setApiKey(@Nullable String apiKey) {
        this.apiKey = apiKey;
    }

    public @Nullable String getIndex() {
        return index;
    }

    public void setIndex(@Nullable String index) {
        this.index = index;
    }

    public @Nullable Boolean getInstallTemplate() {
        return installTemplate;
    }

    public void setInstallTemplate(@Nullable Boolean installTemplate) {
        this.installTemplate = installTemplate;
    }

    public @Nullable Integer getShards() {
        return shards;
    }

    public void setShards(@Nullable Integer shards) {
        this.shards = shards;
    }

    public @Nullable Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(@Nullable Integer replicas) {
        this.replicas = replicas;
    }

    public @Nullable Refresh getRefresh() {
        return refresh;
    }

    public void setRefresh(@Nullable Refresh refresh) {
        this.refresh = refresh;
    }

    public @Nullable String getFormat() {
        return format;
    }

    public void setFormat(@Nullable String format) {
        this.format = format;
    }

    public boolean isQueryStore() {
        return queryStore;
    }

    public void setQueryStore(boolean queryStore) {
        this.queryStore = queryStore;
    }

    @Override
    public AuditSink create(SinkDefinition definition) {
        Connection connection = connection(definition, this);
        try {
            OpenSearchAuditSink.Builder b = OpenSearchAuditSink.builder(connection.connection());
            b.name(definition.name());
            definition.apply("index", getIndex(), b::index);
            definition.apply("install-template", getInstallTemplate(), b::installTemplate);
            definition.apply("shards", getShards(), b::shards);
            definition.apply("replicas", getReplicas(), b::replicas);
            definition.apply("refresh", getRefresh(), r -> b.refresh(r.parameter()));
            definition.apply("format", getFormat(), v -> {
                EventFormat chosen = EventFormats.named(v);
                if (queryStore && chosen != EventFormats.actionTrail()) {
                    throw new IllegalArgumentException("the query store reads only the " + EventFormats.ACTIONTRAIL
                            + " format; give the " + v + " documents a sink of their own");
                }
                b.format(chosen);
            });
            applyBatching(definition, OpenSearchAuditSink.DEFAULT_BATCHING, b::batching);
            // the sink borrows the connection; closing the sink closes it too
            return closingAfter(b.build(), connection::close);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** A connection with the transport made for it, if any: closed together. Thread-safe. */
    record Connection(
            OpenSearchConnection connection, @Nullable HttpTransport transport) implements AutoCloseable {
        @Override
        public void close() {
            connection.close();
            if (transport != null) {
                transport.close();
            }
        }
    }

    /**
     * Returns a new connection to the cluster the settings name, which the caller closes.
     *
     * @throws RuntimeException naming the property when a connection setting is invalid
     */
    static Connection connection(SinkDefinition definition, OpenSearchSinkSettings s) {
        String url = definition.required("url", s.getUrl(), "the cluster's url, such as https://search.internal:9200");
        OpenSearchConnection.Builder c;
        try {
            c = OpenSearchConnection.builder(url);
        } catch (IllegalArgumentException e) {
            // the builder's message may repeat the whole URL, which may hold credentials: say what is wrong here
            HttpUrl parsed = HttpUrl.parse(url.strip());
            boolean credentials = parsed != null
                    && (!parsed.username().isEmpty() || !parsed.password().isEmpty());
            throw definition.invalid(
                    "url",
                    shownUrl(url),
                    credentials
                            ? "must not hold credentials; set username and password (or api-key) instead"
                            : "must be an absolute http or https URL");
        }
        String username = s.getUsername();
        String password = s.getPassword();
        String apiKey = s.getApiKey();
        if (apiKey != null && (username != null || password != null)) {
            throw definition.invalid(
                    "api-key", SinkDefinition.MASKED, "set either api-key or username and password, not both");
        }
        if (username != null && password == null) {
            throw definition.invalid("password", null, "username is set, so the password is needed too");
        }
        if (password != null && username == null) {
            throw definition.invalid("username", null, "password is set, so the username is needed too");
        }
        if (username != null && password != null) {
            if (password.isBlank()) {
                throw definition.invalid("password", SinkDefinition.MASKED, "must not be blank");
            }
            try {
                c.basicAuth(username, password);
            } catch (IllegalArgumentException e) {
                throw definition.invalid("username", username, String.valueOf(e.getMessage()));
            }
        }
        if (apiKey != null) {
            try {
                c.apiKey(apiKey);
            } catch (IllegalArgumentException e) {
                throw definition.invalid("api-key", SinkDefinition.MASKED, String.valueOf(e.getMessage()));
            }
        }
        HttpTransport transport = s.transport(definition, OpenSearchConnection.DEFAULT_CALL_TIMEOUT);
        if (transport != null) {
            c.transport(transport);
        }
        return new Connection(c.build(), transport);
    }

    /** The {@code refresh} parameter of each {@code _bulk} request. Immutable and thread-safe. */
    enum Refresh {
        /** Refresh the affected shards at once (tests and demos, not production). */
        TRUE,
        /** Answer once a refresh made the documents searchable. */
        WAIT_FOR,
        /** No refresh; visibility follows the index's refresh interval. */
        FALSE;

        /** Returns the value as the {@code _bulk} API spells it. */
        String parameter() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
