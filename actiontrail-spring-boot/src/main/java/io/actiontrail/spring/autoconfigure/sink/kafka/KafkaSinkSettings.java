package io.actiontrail.spring.autoconfigure.sink.kafka;

import io.actiontrail.ConflictingSettingsException;
import io.actiontrail.InvalidSettingException;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.kafka.KafkaAuditSink;
import io.actiontrail.sink.kafka.RecordKey;
import io.actiontrail.spring.autoconfigure.sink.BatchSettings;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@code type: kafka} sinks from {@code actiontrail.sinks.<name>.*}: the cluster's
 * {@code bootstrap-servers}, the {@code topic}, the record {@code key}, SASL credentials, any producer
 * {@code properties} (TLS, other SASL mechanisms, compression), the event {@code format}, the timeouts and batching. A bad value fails naming its
 * property; the password and the values of {@code properties} never appear in a message. Bound once, then only read:
 * not thread-safe.
 */
final class KafkaSinkSettings extends BatchSettings {

    /**
     * The event format: actiontrail (the default, the journal's JSON line), ocsf, cloudevents, cloudevents-binary or cloudtrail.
     */
    private @Nullable String format;

    /** The brokers to bootstrap from, host:port pairs separated by commas (required). */
    private @Nullable String bootstrapServers;

    /** The topic the events are published to, which must exist (required). */
    private @Nullable String topic;

    /** The record key: event-id (the default) or resource (Type/name, one partition per resource). */
    private @Nullable RecordKey key;

    /** The SASL mechanism for username and password: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
    private @Nullable String saslMechanism;

    /** The SASL user name, with sasl-mechanism and password. */
    private @Nullable String username;

    /** The SASL password, with sasl-mechanism and username. */
    private @Nullable String password;

    /** Producer properties passed on as they are, such as security.protocol or ssl.truststore.location. */
    private Map<String, String> properties = new LinkedHashMap<>();

    /** How long the producer may try to get a record acknowledged; defaults to 30s. */
    private @Nullable Duration deliveryTimeout;

    /** How long closing waits for records in flight; defaults to 5s. */
    private @Nullable Duration closeTimeout;

    public @Nullable String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(@Nullable String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public @Nullable String getTopic() {
        return topic;
    }

    public void setTopic(@Nullable String topic) {
        this.topic = topic;
    }

    public @Nullable RecordKey getKey() {
        return key;
    }

    public void setKey(@Nullable RecordKey key) {
        this.key = key;
    }

    public @Nullable String getSaslMechanism() {
        return saslMechanism;
    }

    public void setSaslMechanism(@Nullable String saslMechanism) {
        this.saslMechanism = saslMechanism;
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

    public Map<String, String> getProperties() {
        return properties;
    }

    public void setProperties(Map<String, String> properties) {
        this.properties = properties;
    }

    public @Nullable Duration getDeliveryTimeout() {
        return deliveryTimeout;
    }

    public void setDeliveryTimeout(@Nullable Duration deliveryTimeout) {
        this.deliveryTimeout = deliveryTimeout;
    }

    public @Nullable Duration getCloseTimeout() {
        return closeTimeout;
    }

    public void setCloseTimeout(@Nullable Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    public @Nullable String getFormat() {
        return format;
    }

    public void setFormat(@Nullable String format) {
        this.format = format;
    }

    @Override
    public AuditSink create(SinkDefinition definition) {
        String servers = definition.required(
                "bootstrap-servers", getBootstrapServers(), "the brokers' bootstrap-servers, such as kafka-1:9092");
        String name = definition.required("topic", getTopic(), "a topic");
        KafkaAuditSink.Builder b;
        try {
            b = KafkaAuditSink.builder(servers, name);
        } catch (InvalidSettingException e) {
            boolean isTopic = e.setting().equals("topic");
            throw definition.invalid(
                    isTopic ? "topic" : "bootstrap-servers", isTopic ? name : servers, String.valueOf(e.getMessage()));
        }
        b.name(definition.name());
        definition.apply("format", getFormat(), v -> b.format(EventFormats.named(v)));
        definition.apply("key", getKey(), b::key);
        getProperties().forEach((property, value) -> {
            try {
                b.property(property, value);
            } catch (IllegalArgumentException e) {
                // the value may be a secret (a JAAS configuration, a key store password): the message says what is
                // wrong with the others
                throw definition.invalid(
                        "properties." + property, SinkDefinition.MASKED, String.valueOf(e.getMessage()));
            }
        });
        sasl(definition, b);
        definition.apply("delivery-timeout", getDeliveryTimeout(), b::deliveryTimeout);
        definition.apply("close-timeout", getCloseTimeout(), b::closeTimeout);
        applyBatching(definition, KafkaAuditSink.DEFAULT_BATCHING, b::batching);
        try {
            return b.build();
        } catch (ConflictingSettingsException e) {
            String message = String.valueOf(e.getMessage());
            switch (e.setting()) {
                case "sasl" -> throw definition.invalid("sasl-mechanism", getSaslMechanism(), message);
                case "deliveryTimeout" -> throw definition.invalid("delivery-timeout", getDeliveryTimeout(), message);
                default -> throw definition.invalid("properties", SinkDefinition.MASKED, message);
            }
        }
    }

    private void sasl(SinkDefinition definition, KafkaAuditSink.Builder b) {
        String mechanism = getSaslMechanism();
        String user = getUsername();
        String secret = getPassword();
        if (mechanism == null && user == null && secret == null) {
            return;
        }
        if (mechanism == null) {
            throw definition.invalid(
                    "sasl-mechanism", null, "username or password is set, so the SASL mechanism is needed too");
        }
        if (user == null) {
            throw definition.invalid("username", null, "sasl-mechanism is set, so the username is needed too");
        }
        if (secret == null) {
            throw definition.invalid("password", null, "sasl-mechanism is set, so the password is needed too");
        }
        try {
            b.sasl(mechanism, user, secret);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("password")) {
                throw definition.invalid("password", SinkDefinition.MASKED, message);
            }
            if (message.contains("username")) {
                throw definition.invalid("username", user, message);
            }
            throw definition.invalid("sasl-mechanism", mechanism, message);
        }
    }
}
