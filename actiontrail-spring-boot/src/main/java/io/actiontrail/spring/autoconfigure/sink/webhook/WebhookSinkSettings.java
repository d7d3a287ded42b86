package io.actiontrail.spring.autoconfigure.sink.webhook;

import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.webhook.WebhookAuditSink;
import io.actiontrail.spring.autoconfigure.sink.HttpSinkSettings;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import io.actiontrail.transport.http.HttpTransport;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@code type: webhook} sinks from {@code actiontrail.sinks.<name>.*}: the receiver's {@code url}, the
 * signing {@code secret}, extra {@code headers}, the event {@code format} and the client's timeouts and batching. A bad value fails naming its
 * property; the secret and the header values never appear in a message, nor the URL's user info or query. Bound once, then only read: not thread-safe.
 */
final class WebhookSinkSettings extends HttpSinkSettings {

    /**
     * The event format: actiontrail (the default, the journal's JSON line), ocsf, cloudevents, cloudevents-binary or cloudtrail.
     */
    private @Nullable String format;

    /** The receiver's URL, http or https (required). */
    private @Nullable String url;

    /** The shared secret that signs every request with HMAC-SHA256, at least 16 bytes (required). */
    private @Nullable String secret;

    /** Extra headers sent with every request, such as the receiver's own Authorization; values are never shown. */
    private Map<String, String> headers = new LinkedHashMap<>();

    public @Nullable String getUrl() {
        return url;
    }

    public void setUrl(@Nullable String url) {
        this.url = url;
    }

    public @Nullable String getSecret() {
        return secret;
    }

    public void setSecret(@Nullable String secret) {
        this.secret = secret;
    }

    public Map<String, String> getHeaders() {
        return headers;
    }

    public void setHeaders(Map<String, String> headers) {
        this.headers = headers;
    }

    public @Nullable String getFormat() {
        return format;
    }

    public void setFormat(@Nullable String format) {
        this.format = format;
    }

    @Override
    public AuditSink create(SinkDefinition definition) {
        String url = definition.required("url", getUrl(), "the receiver's url");
        WebhookAuditSink.Builder b;
        try {
            b = WebhookAuditSink.builder(url);
        } catch (IllegalArgumentException e) {
            // the builder's message repeats the whole URL, which may hold credentials
            throw definition.invalid("url", shownUrl(url), "must be an absolute http or https URL");
        }
        b.name(definition.name());
        definition.apply("format", getFormat(), v -> b.format(EventFormats.named(v)));
        String secret = getSecret();
        if (secret == null) {
            throw definition.invalid("secret", null, "a webhook sink needs the shared secret that signs every request");
        }
        try {
            b.secret(secret);
        } catch (IllegalArgumentException e) {
            // the message says how long the secret is, never what it is
            throw definition.invalid("secret", SinkDefinition.MASKED, String.valueOf(e.getMessage()));
        }
        getHeaders().forEach((name, value) -> {
            try {
                b.header(name, value);
            } catch (IllegalArgumentException e) {
                throw definition.invalid("headers." + name, SinkDefinition.MASKED, String.valueOf(e.getMessage()));
            }
        });
        applyBatching(definition, WebhookAuditSink.DEFAULT_BATCHING, b::batching);
        return build(definition, HttpTransport.DEFAULT_CALL_TIMEOUT, b::transport, b::build);
    }
}
