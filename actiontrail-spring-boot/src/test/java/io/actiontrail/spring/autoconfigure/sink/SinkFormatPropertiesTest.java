package io.actiontrail.spring.autoconfigure.sink;

import static io.actiontrail.spring.autoconfigure.sink.SinkTestSupport.failureMessages;
import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.format.EventFormat;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.kafka.KafkaAuditSink;
import io.actiontrail.sink.opensearch.OpenSearchAuditSink;
import io.actiontrail.sink.s3.S3AuditSink;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import io.actiontrail.sink.sls.SlsAuditSink;
import io.actiontrail.sink.webhook.WebhookAuditSink;
import io.actiontrail.sink.webhook.WebhookVerifier;
import io.actiontrail.spring.TestAutoConfigurations;
import io.actiontrail.testsupport.WebhookReceiver;
import io.actiontrail.trail.Trail;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * {@code actiontrail.sinks.<name>.format} in real Spring contexts: it binds onto each sink type that has it, a bad
 * value fails start-up naming the property, the default stays this project's JSON, and events recorded through the
 * application reach a real webhook receiver in the chosen format.
 */
class SinkFormatPropertiesTest {

    private static final String SECRET = "formatHookSecret-0123456789";

    private static final Map<String, List<String>> SINKS = Map.of(
            "kafka",
            List.of("bootstrap-servers=127.0.0.1:9", "topic=audit-events"),
            "webhook",
            List.of("url=http://127.0.0.1:9/hook", "secret=" + SECRET),
            "s3",
            List.of(
                    "bucket=audit",
                    "endpoint=http://127.0.0.1:9",
                    "region=us-east-1",
                    "path-style=true",
                    "access-key-id=AKIDEXAMPLE",
                    "secret-access-key=formatSecretKey"),
            "slf4j",
            List.of(),
            "opensearch",
            List.of("url=http://127.0.0.1:9", "index=audit-ocsf"),
            "sls",
            List.of(
                    "endpoint=http://127.0.0.1:9",
                    "project=audit",
                    "logstore=events",
                    "access-key-id=LTAIformatTest",
                    "access-key-secret=formatSecretKey"));

    private static ApplicationContextRunner runner(String type, String... more) {
        String s = "actiontrail.sinks.out.";
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(TestAutoConfigurations.BASE)
                .withPropertyValues("actiontrail.durability=memory", s + "type=" + type);
        for (String setting : Objects.requireNonNull(SINKS.get(type))) {
            runner = runner.withPropertyValues(s + setting);
        }
        for (String setting : more) {
            runner = runner.withPropertyValues(s + setting);
        }
        return runner;
    }

    private static EventFormat formatOf(ApplicationContext context) {
        Trail main = context.getBean(ActionTrail.class).trails().get(0);
        AuditSink sink =
                SinkTestSupport.unwrap(Objects.requireNonNull(main.sinks().get("out")));
        if (sink instanceof KafkaAuditSink kafka) {
            return kafka.format();
        }
        if (sink instanceof WebhookAuditSink webhook) {
            return webhook.format();
        }
        if (sink instanceof S3AuditSink s3) {
            return s3.format();
        }
        if (sink instanceof OpenSearchAuditSink search) {
            return search.format();
        }
        if (sink instanceof SlsAuditSink sls) {
            return sls.format();
        }
        return ((Slf4jAuditSink) sink).format();
    }

    @Test
    void bindsEveryFormatOntoEachSinkType() {
        for (String type : SINKS.keySet()) {
            for (String name : EventFormats.names()) {
                boolean binary = EventFormats.named(name).isBinary();
                boolean headers = type.equals("kafka") || type.equals("webhook");
                runner(type, "format=" + name).run(context -> {
                    if (binary && !headers) {
                        assertThat(context).hasFailed();
                        assertThat(failureMessages(context.getStartupFailure()))
                                .contains("actiontrail.sinks.out.format")
                                .contains("headers");
                    } else {
                        assertThat(context).as(type + " " + name).hasNotFailed();
                        assertThat(formatOf(context)).isSameAs(EventFormats.named(name));
                    }
                });
            }
        }
    }

    @Test
    void leftUnsetEverySinkWritesThisProjectsJson() {
        for (String type : SINKS.keySet()) {
            runner(type).run(context -> assertThat(formatOf(context)).isSameAs(EventFormats.actionTrail()));
        }
    }

    @Test
    void anUnknownFormatFailsStartUpNamingThePropertyAndTheKnownFormats() {
        for (String type : SINKS.keySet()) {
            runner(type, "format=avro").run(context -> {
                assertThat(context).hasFailed();
                assertThat(failureMessages(context.getStartupFailure()))
                        .contains("actiontrail.sinks.out.format")
                        .contains("ocsf, cloudevents, cloudevents-binary, cloudtrail");
            });
        }
    }

    @Test
    void anOpenSearchSinkInAnotherFormatCannotBeTheQueryStore() {
        runner("opensearch", "format=ocsf", "query-store=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(failureMessages(context.getStartupFailure()))
                    .contains("actiontrail.sinks.out.format")
                    .contains("the query store reads only the actiontrail format");
        });
        runner("opensearch", "format=actiontrail", "query-store=true")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void recordedEventsReachARealReceiverInTheChosenFormat() throws Exception {
        try (WebhookReceiver receiver =
                WebhookReceiver.start(WebhookVerifier.builder(SECRET).build()::verify)) {
            new ApplicationContextRunner()
                    .withConfiguration(TestAutoConfigurations.BASE)
                    .withPropertyValues(
                            "actiontrail.durability=memory",
                            "actiontrail.service-name=orders",
                            "actiontrail.sinks.hook.type=webhook",
                            "actiontrail.sinks.hook.url=" + receiver.url(),
                            "actiontrail.sinks.hook.secret=" + SECRET,
                            "actiontrail.sinks.hook.format=cloudevents-binary",
                            "actiontrail.sinks.hook.linger=10ms")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        ActionTrail actionTrail = context.getBean(ActionTrail.class);
                        AuditEvent event = AuditEvent.builder("CreateOrder")
                                .resource("Order", "o-1")
                                .build();
                        actionTrail.record(event);
                        assertThat(actionTrail.flush(Duration.ofSeconds(30))).isTrue();
                        WebhookReceiver.Request request = receiver.requests().get(0);
                        assertThat(request.verified()).isTrue();
                        assertThat(request.header("ce-id")).isEqualTo(event.eventId());
                        assertThat(request.header("ce-specversion")).isEqualTo("1.0");
                        assertThat(request.header("ce-source")).isEqualTo("/orders");
                        assertThat(request.header("ce-subject")).isEqualTo("Order/o-1");
                        assertThat(AuditEvent.fromJson(request.text()).eventId())
                                .isEqualTo(event.eventId());
                    });
        }
    }
}
