package io.actiontrail.spring.autoconfigure.sink.sls;

import io.actiontrail.InvalidSettingException;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.sls.SlsAuditSink;
import io.actiontrail.sink.sls.SlsCredentials;
import io.actiontrail.spring.autoconfigure.sink.HttpSinkSettings;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import io.actiontrail.transport.http.HttpTransport;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@code type: sls} sinks from {@code actiontrail.sinks.<name>.*}: the Log Service {@code endpoint},
 * {@code project} and {@code logstore}, the AccessKey ({@code access-key-id}, {@code access-key-secret}, and the
 * {@code security-token} of a temporary STS credential), the LogGroups' {@code topic}, {@code source} and
 * {@code tags}, the {@code compression}, the event {@code format}, the client's timeouts and batching. A bad value fails naming its property;
 * the secret and the token never appear in a message, nor the endpoint's user info or query. Bound once, then only read: not thread-safe.
 */
final class SlsSinkSettings extends HttpSinkSettings {

    /**
     * The region's Log Service endpoint, such as cn-hangzhou.log.aliyuncs.com (sent over https), or an http or
     * https URL of one (required).
     */
    private @Nullable String endpoint;

    /** The format whose JSON the logs are made of: actiontrail (the default, the journal's JSON line), ocsf, cloudevents or cloudtrail. */
    private @Nullable String format;

    /** The Log Service project (required). */
    private @Nullable String project;

    /** The logstore in the project, which must exist (required). */
    private @Nullable String logstore;

    /** The AccessKey ID that signs every request (required). */
    private @Nullable String accessKeyId;

    /** The AccessKey secret that signs every request (required). */
    private @Nullable String accessKeySecret;

    /** The security token of a temporary STS credential; unset for a permanent AccessKey. */
    private @Nullable String securityToken;

    /** The __topic__ of every log; defaults to actiontrail. */
    private @Nullable String topic;

    /** The __source__ of every log; defaults to this host's name. */
    private @Nullable String source;

    /** Tags on every LogGroup, shown on each log as __tag__:key. */
    private Map<String, String> tags = new LinkedHashMap<>();

    /** How request bodies are compressed: deflate or none; defaults to deflate. */
    private SlsAuditSink.@Nullable Compression compression;

    public @Nullable String getFormat() {
        return format;
    }

    public void setFormat(@Nullable String format) {
        this.format = format;
    }

    public @Nullable String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(@Nullable String endpoint) {
        this.endpoint = endpoint;
    }

    public @Nullable String getProject() {
        return project;
    }

    public void setProject(@Nullable String project) {
        this.project = project;
    }

    public @Nullable String getLogstore() {
        return logstore;
    }

    public void setLogstore(@Nullable String logstore) {
        this.logstore = logstore;
    }

    public @Nullable String getAccessKeyId() {
        return accessKeyId;
    }

    public void setAccessKeyId(@Nullable String accessKeyId) {
        this.accessKeyId = accessKeyId;
    }

    public @Nullable String getAccessKeySecret() {
        return accessKeySecret;
    }

    public void setAccessKeySecret(@Nullable String accessKeySecret) {
        this.accessKeySecret = accessKeySecret;
    }

    public @Nullable String getSecurityToken() {
        return securityToken;
    }

    public void setSecurityToken(@Nullable String securityToken) {
        this.securityToken = securityToken;
    }

    public @Nullable String getTopic() {
        return topic;
    }

    public void setTopic(@Nullable String topic) {
        this.topic = topic;
    }

    public @Nullable String getSource() {
        return source;
    }

    public void setSource(@Nullable String source) {
        this.source = source;
    }

    public Map<String, String> getTags() {
        return tags;
    }

    public void setTags(Map<String, String> tags) {
        this.tags = tags;
    }

    public SlsAuditSink.@Nullable Compression getCompression() {
        return compression;
    }

    public void setCompression(SlsAuditSink.@Nullable Compression compression) {
        this.compression = compression;
    }

    @Override
    public AuditSink create(SinkDefinition definition) {
        String endpoint = definition.required(
                "endpoint", getEndpoint(), "the region's Log Service endpoint, such as cn-hangzhou.log.aliyuncs.com");
        String project = definition.required("project", getProject(), "the Log Service project");
        String logstore = definition.required("logstore", getLogstore(), "the logstore in the project");
        SlsAuditSink.Builder b;
        try {
            b = SlsAuditSink.builder(endpoint, project, logstore);
        } catch (InvalidSettingException e) {
            if (e.setting().equals("project")) {
                throw definition.invalid("project", project, String.valueOf(e.getMessage()));
            }
            if (e.setting().equals("logstore")) {
                throw definition.invalid("logstore", logstore, String.valueOf(e.getMessage()));
            }
            // the builder's message repeats the whole endpoint, which may hold user info or a query
            throw definition.invalid(
                    "endpoint",
                    shownUrl(endpoint),
                    "must be a host name such as cn-hangzhou.log.aliyuncs.com, or an http or https URL of one,"
                            + " without path, query or user info");
        }
        b.name(definition.name());
        b.credentials(credentials(definition, this));
        definition.apply("topic", getTopic(), b::topic);
        definition.apply("source", getSource(), b::source);
        getTags().forEach((key, value) -> definition.apply("tags." + key, value, v -> b.tag(key, v)));
        definition.apply("compression", getCompression(), b::compression);
        definition.apply("format", getFormat(), v -> b.format(EventFormats.named(v)));
        applyBatching(definition, SlsAuditSink.DEFAULT_BATCHING, b::batching);
        return build(definition, HttpTransport.DEFAULT_CALL_TIMEOUT, b::transport, b::build);
    }

    /** Returns the AccessKey the settings name; a bad one fails naming its property, never showing a secret. */
    private static SlsCredentials credentials(SinkDefinition definition, SlsSinkSettings s) {
        String id =
                definition.required("access-key-id", s.getAccessKeyId(), "the AccessKey ID that signs every request");
        String secret = s.getAccessKeySecret();
        if (secret == null || secret.isBlank()) {
            throw definition.invalid(
                    "access-key-secret",
                    secret == null ? null : SinkDefinition.MASKED,
                    "an sls sink needs the AccessKey secret that signs every request");
        }
        String token = s.getSecurityToken();
        try {
            return token == null ? SlsCredentials.of(id, secret) : SlsCredentials.sts(id, secret, token);
        } catch (InvalidSettingException e) {
            String message = String.valueOf(e.getMessage());
            if (e.setting().equals("accessKeyId")) {
                // the ID is no secret: its message shows it
                throw definition.invalid("access-key-id", id, message);
            }
            if (e.setting().equals("securityToken")) {
                // says what is wrong with the token, never what it is
                throw definition.invalid("security-token", SinkDefinition.MASKED, message);
            }
            throw definition.invalid("access-key-secret", SinkDefinition.MASKED, "is not a valid AccessKey secret");
        }
    }
}
