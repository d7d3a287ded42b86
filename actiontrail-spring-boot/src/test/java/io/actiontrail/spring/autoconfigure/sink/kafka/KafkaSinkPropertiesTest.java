package io.actiontrail.spring.autoconfigure.sink.kafka;

import static io.actiontrail.spring.autoconfigure.sink.SinkTestSupport.failureMessages;
import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.kafka.KafkaAuditSink;
import io.actiontrail.sink.kafka.RecordKey;
import io.actiontrail.spring.TestAutoConfigurations;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import io.actiontrail.spring.autoconfigure.sink.SinkTestSupport;
import io.actiontrail.trail.Trail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The {@code kafka} sink type configured from properties: what binds, what fails start-up, and what is never shown. */
@ExtendWith(OutputCaptureExtension.class)
class KafkaSinkPropertiesTest {

    private static final String PASSWORD = "kafkaPassw0rd-Never-Shown";
    private static final String S = "actiontrail.sinks.stream.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.BASE)
            .withPropertyValues(
                    "actiontrail.durability=memory",
                    S + "type=kafka",
                    S + "bootstrap-servers=kafka-1.internal:9092,kafka-2.internal:9092",
                    S + "topic=audit-events");

    private static KafkaAuditSink sink(org.springframework.context.ApplicationContext context) {
        Trail main = context.getBean(ActionTrail.class).trails().get(0);
        AuditSink sink = Objects.requireNonNull(main.sinks().get("stream"));
        assertThat(SinkTestSupport.ownsResources(sink))
                .as("the sink owns its producer itself")
                .isFalse();
        assertThat(sink).isInstanceOf(KafkaAuditSink.class);
        return (KafkaAuditSink) sink;
    }

    @Test
    void bindsEverySettingOntoAKafkaSink() {
        runner.withPropertyValues(
                        S + "key=resource",
                        S + "sasl-mechanism=scram-sha-512",
                        S + "username=actiontrail",
                        S + "password=" + PASSWORD,
                        S + "properties.ssl.truststore.type=PKCS12",
                        S + "properties.compression.type=zstd",
                        S + "properties[client.id]=orders-audit",
                        S + "delivery-timeout=20s",
                        S + "close-timeout=2s",
                        S + "max-batch-events=200",
                        S + "max-batch-bytes=512KB",
                        S + "linger=50ms")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("kafkaAuditSinkFactory");
                    KafkaAuditSink sink = sink(context);
                    assertThat(sink.name()).isEqualTo("stream");
                    assertThat(sink.topic()).isEqualTo("audit-events");
                    assertThat(sink.key()).isEqualTo(RecordKey.RESOURCE);
                    assertThat(sink.batching().maxEvents()).isEqualTo(200);
                    assertThat(sink.batching().maxBytes()).isEqualTo(512L * 1024);
                    assertThat(sink.batching().linger()).isEqualTo(Duration.ofMillis(50));
                    assertThat(sink.toString())
                            .contains("kafka-1.internal:9092,kafka-2.internal:9092")
                            .doesNotContain(PASSWORD);
                });
    }

    @Test
    void leftUnsetTheSinksDefaultsApply() {
        runner.run(context -> {
            KafkaAuditSink sink = sink(context);
            assertThat(sink.key()).isEqualTo(RecordKey.EVENT_ID);
            assertThat(sink.batching()).isEqualTo(KafkaAuditSink.DEFAULT_BATCHING);
        });
    }

    @Test
    void withoutTheKafkaModuleTheTypeFailsStartUpNamingTheDependency() {
        runner.withClassLoader(new FilteredClassLoader(KafkaAuditSink.class.getPackageName()))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(failureMessages(context.getStartupFailure()))
                            .contains(S + "type")
                            .contains("io.actiontrail:actiontrail-sink-kafka");
                });
        new ApplicationContextRunner()
                .withConfiguration(TestAutoConfigurations.BASE)
                .withClassLoader(new FilteredClassLoader(KafkaAuditSink.class.getPackageName()))
                .withPropertyValues("actiontrail.durability=memory", "actiontrail.sinks.log.type=slf4j")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasBean("slf4jAuditSinkFactory")
                        .doesNotHaveBean("kafkaAuditSinkFactory"));
    }

    @Test
    void badValuesFailStartUpNamingTheProperty() {
        expectFailure(S + "bootstrap-servers", S + "bootstrap-servers=");
        expectFailure(S + "bootstrap-servers", S + "bootstrap-servers=kafka-1.internal");
        expectFailure(S + "bootstrap-servers", S + "bootstrap-servers=kafka:9092,,kafka:9093");
        expectFailure(S + "topic", S + "topic=");
        expectFailure(S + "topic", S + "topic=audit events");
        expectFailure(S + "key", S + "key=tenant");
        expectFailure(S + "sasl-mechanism", S + "username=u", S + "password=" + PASSWORD);
        expectFailure(S + "username", S + "sasl-mechanism=PLAIN", S + "password=" + PASSWORD);
        expectFailure(S + "password", S + "sasl-mechanism=PLAIN", S + "username=u");
        expectFailure(S + "sasl-mechanism", S + "sasl-mechanism=GSSAPI", S + "username=u", S + "password=p");
        expectFailure(S + "username", S + "sasl-mechanism=PLAIN", S + "username= ", S + "password=p");
        expectFailure(
                S + "sasl-mechanism",
                S + "sasl-mechanism=PLAIN",
                S + "username=u",
                S + "password=p",
                S + "properties.sasl.jaas.config=x required;");
        expectFailure(S + "properties.acks", S + "properties.acks=1");
        expectFailure(S + "properties.enable.idempotence", S + "properties.enable.idempotence=false");
        expectFailure(S + "properties.bootstrap.servers", S + "properties.bootstrap.servers=other:9092");
        expectFailure(S + "properties.linger.ms", S + "properties.linger.ms=soon");
        expectFailure(S + "properties", S + "properties.retries=0");
        expectFailure(S + "delivery-timeout", S + "delivery-timeout=500ms");
        expectFailure(S + "delivery-timeout", S + "delivery-timeout=2s", S + "properties.request.timeout.ms=5000");
        expectFailure(S + "close-timeout", S + "close-timeout=-1s");
        expectFailure(S + "max-batch-events", S + "max-batch-events=0");
        expectFailure(S + "linger", S + "linger=-1s");
        expectFailure(S + "bootstrap-server", S + "bootstrap-server=kafka:9092");
    }

    @Test
    void passwordsAndPropertyValuesNeverAppearInFailuresOrLogs(CapturedOutput output) {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\""
                + PASSWORD + "\";";
        List<String> failures = new ArrayList<>();
        for (String[] bad : List.of(
                new String[] {S + "sasl-mechanism=KERBEROS", S + "username=u", S + "password=" + PASSWORD},
                new String[] {S + "username=u", S + "password=" + PASSWORD},
                new String[] {S + "properties.sasl.jaas.config=" + jaas, S + "properties.linger.ms=x"},
                new String[] {S + "properties.sasl.jaas.config=" + jaas, S + "properties.retries=0"},
                new String[] {
                    S + "properties.sasl.jaas.config=" + jaas,
                    S + "sasl-mechanism=PLAIN",
                    S + "username=u",
                    S + "password=" + PASSWORD
                },
                new String[] {S + "pasword=" + PASSWORD})) {
            runner.withPropertyValues(bad).run(context -> {
                assertThat(context).hasFailed();
                failures.add(failureMessages(context.getStartupFailure()));
            });
        }
        assertThat(failures)
                .hasSize(6)
                .allSatisfy(message -> assertThat(message).contains(S).doesNotContain(PASSWORD));
        assertThat(failures.get(5)).contains("did you mean password?");
        assertThat(output.getAll()).doesNotContain(PASSWORD);
    }

    @Test
    void recognisesKafkaSecretsInEverySpelling() {
        for (String key : List.of(
                S + "password",
                "ACTIONTRAIL_SINKS_STREAM_PASSWORD",
                S + "properties.sasl.jaas.config",
                S + "properties[sasl.jaas.config]",
                "ACTIONTRAIL_SINKS_STREAM_PROPERTIES_SASL_JAAS_CONFIG",
                S + "properties.ssl.truststore.password",
                S + "properties.ssl.key.password")) {
            assertThat(SinkDefinition.isSecret(key)).as(key).isTrue();
        }
        for (String key : List.of(
                S + "username",
                S + "topic",
                S + "bootstrap-servers",
                S + "properties.security.protocol",
                S + "properties.ssl.truststore.location")) {
            assertThat(SinkDefinition.isSecret(key)).as(key).isFalse();
        }
    }

    private void expectFailure(String named, String... properties) {
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).as("start-up with %s", List.of(properties)).hasFailed();
            assertThat(failureMessages(context.getStartupFailure()))
                    .as("failure for %s", List.of(properties))
                    .contains(named);
        });
    }
}
