package io.actiontrail.spring.autoconfigure.sink;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The sink types the starter configures from properties: each one's name, its module, the class that tells the module
 * is on the classpath, and its {@link SinkSettings} class. Stateless.
 */
public final class SinkTypes {

    /**
     * One sink type; the classes by name, so that an absent module is never loaded; no module for a type that ships
     * with core.
     */
    record SinkType(String name, @Nullable String module, String sinkClass, String settingsClass, String beanName) {}

    private static final String SETTINGS = "io.actiontrail.spring.autoconfigure.sink.";

    static final List<SinkType> ALL = List.of(
            new SinkType(
                    "slf4j",
                    null, // ships with core
                    "io.actiontrail.sink.slf4j.Slf4jAuditSink",
                    SETTINGS + "slf4j.Slf4jSinkSettings",
                    "slf4jAuditSinkFactory"),
            new SinkType(
                    "s3",
                    "io.actiontrail:actiontrail-sink-s3",
                    "io.actiontrail.sink.s3.S3AuditSink",
                    SETTINGS + "s3.S3SinkSettings",
                    "s3AuditSinkFactory"),
            new SinkType(
                    "webhook",
                    "io.actiontrail:actiontrail-sink-webhook",
                    "io.actiontrail.sink.webhook.WebhookAuditSink",
                    SETTINGS + "webhook.WebhookSinkSettings",
                    "webhookAuditSinkFactory"),
            new SinkType(
                    "opensearch",
                    "io.actiontrail:actiontrail-sink-opensearch",
                    "io.actiontrail.sink.opensearch.OpenSearchAuditSink",
                    SETTINGS + "opensearch.OpenSearchSinkSettings",
                    "openSearchAuditSinkFactory"),
            new SinkType(
                    "sls",
                    "io.actiontrail:actiontrail-sink-sls",
                    "io.actiontrail.sink.sls.SlsAuditSink",
                    SETTINGS + "sls.SlsSinkSettings",
                    "slsAuditSinkFactory"),
            new SinkType(
                    "kafka",
                    "io.actiontrail:actiontrail-sink-kafka",
                    "io.actiontrail.sink.kafka.KafkaAuditSink",
                    SETTINGS + "kafka.KafkaSinkSettings",
                    "kafkaAuditSinkFactory"));

    private SinkTypes() {}

    /**
     * Returns the Maven coordinates of the module that brings sink type {@code type}, for the message when it is
     * missing; {@code null} for a type the starter does not know.
     */
    public static @Nullable String module(String type) {
        for (SinkType known : ALL) {
            if (known.name().equals(type)) {
                return known.module();
            }
        }
        return null;
    }
}
