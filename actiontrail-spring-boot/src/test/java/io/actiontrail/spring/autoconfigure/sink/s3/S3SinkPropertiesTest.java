package io.actiontrail.spring.autoconfigure.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.kafka.KafkaAuditSink;
import io.actiontrail.sink.opensearch.OpenSearchAuditSink;
import io.actiontrail.sink.s3.S3AuditSink;
import io.actiontrail.sink.sls.SlsAuditSink;
import io.actiontrail.sink.webhook.WebhookAuditSink;
import io.actiontrail.spring.TestAutoConfigurations;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import io.actiontrail.trail.Trail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The {@code s3} sink type configured from properties: what binds, what fails start-up, and what is never shown. */
@ExtendWith(OutputCaptureExtension.class)
class S3SinkPropertiesTest {

    private static final String SECRET = "sPr0pertySecret/Never+Shown/0123456789ab";
    private static final String S = "actiontrail.sinks.archive.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.BASE)
            .withPropertyValues(
                    "spring.application.name=orders",
                    "actiontrail.durability=memory",
                    S + "type=s3",
                    S + "bucket=audit-archive",
                    // a signing region, so that no test depends on the machine's AWS settings
                    S + "region=us-east-1");

    @Test
    void bindsEverySettingOntoAnS3Sink() {
        runner.withPropertyValues(
                        "actiontrail.service-name=billing",
                        "actiontrail.region=cn-hangzhou",
                        S + "prefix=/prod/audit/",
                        S + "endpoint=https://s3.oss-cn-hangzhou.aliyuncs.com",
                        S + "path-style=false",
                        S + "access-key-id=AKIAEXAMPLE",
                        S + "secret-access-key=" + SECRET,
                        S + "checksums-when-required=true",
                        S + "sse=aws:kms",
                        S + "kms-key-id=alias/audit",
                        S + "storage-class=standard_ia",
                        S + "linger=5s",
                        S + "max-batch-bytes=8MB",
                        S + "max-batch-events=5000",
                        S + "object-lock-mode=compliance",
                        S + "object-lock-retention=180d")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("s3AuditSinkFactory");
                    Trail main = context.getBean(ActionTrail.class).trails().get(0);
                    AuditSink sink = main.sinks().get("archive");
                    assertThat(sink).isInstanceOf(S3AuditSink.class);
                    S3AuditSink s3 = (S3AuditSink) Objects.requireNonNull(sink);
                    assertThat(s3.name()).isEqualTo("archive");
                    assertThat(s3.bucket()).isEqualTo("audit-archive");
                    assertThat(s3.keyPrefix()).isEqualTo("prod/audit/ActionTrail/");
                    assertThat(s3.batching().linger()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(s3.batching().maxBytes()).isEqualTo(8L * 1024 * 1024);
                    assertThat(s3.batching().maxEvents()).isEqualTo(5000);
                    assertThat(s3.toString()).doesNotContain(SECRET);
                });
    }

    @Test
    void withoutTheS3ModuleTheTypeFailsStartUpNamingTheDependency() {
        // with no sink module at all, slf4j from core is the one known type
        runner.withClassLoader(new FilteredClassLoader(
                        S3AuditSink.class.getPackageName(),
                        WebhookAuditSink.class.getPackageName(),
                        OpenSearchAuditSink.class.getPackageName(),
                        SlsAuditSink.class.getPackageName(),
                        KafkaAuditSink.class.getPackageName()))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(failureMessages(context.getStartupFailure()))
                            .contains("actiontrail.sinks.archive.type")
                            .contains("io.actiontrail:actiontrail-sink-s3")
                            .contains("[slf4j]");
                });
        // and the starter works without it
        new ApplicationContextRunner()
                .withConfiguration(TestAutoConfigurations.BASE)
                .withClassLoader(new FilteredClassLoader(S3AuditSink.class.getPackageName(), "software.amazon.awssdk"))
                .withPropertyValues("actiontrail.durability=memory", "actiontrail.sinks.log.type=slf4j")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasBean("slf4jAuditSinkFactory")
                        .doesNotHaveBean("s3AuditSinkFactory"));
    }

    @Test
    void badValuesFailStartUpNamingTheProperty() {
        expectFailure(S + "bucket", S + "bucket=");
        expectFailure(S + "bucket", S + "bucket=audit/archive");
        expectFailure(S + "linger", S + "linger=soon");
        expectFailure(S + "linger", S + "linger=-5s");
        expectFailure(S + "max-batch-bytes", S + "max-batch-bytes=-1MB");
        expectFailure(S + "max-batch-bytes", S + "max-batch-bytes=2GB");
        expectFailure(S + "max-batch-events", S + "max-batch-events=0");
        expectFailure(S + "endpoint", S + "endpoint=ftp://files.example.com");
        expectFailure(S + "region", S + "region= ");
        expectFailure(S + "prefix", S + "prefix=a//b");
        expectFailure(S + "sse", S + "sse=DES");
        expectFailure(S + "kms-key-id", S + "kms-key-id=alias/audit");
        expectFailure(S + "storage-class", S + "storage-class= ");
        expectFailure(S + "object-lock-mode", S + "object-lock-mode=forever");
        expectFailure(S + "object-lock-retention", S + "object-lock-mode=governance");
        expectFailure(S + "object-lock-retention", S + "object-lock-retention=0s", S + "object-lock-mode=governance");
        expectFailure(S + "path-style", S + "path-style=sometimes");
        expectFailure(S + "secret-access-key", S + "access-key-id=AKIAEXAMPLE");
        expectFailure(S + "access-key-id", S + "secret-access-key=" + SECRET);
    }

    @Test
    void theSecretNeverAppearsInFailuresOrLogs(CapturedOutput output) {
        List<String> failures = new ArrayList<>();
        for (String[] bad : List.of(
                new String[] {S + "secret-access-key=" + SECRET},
                new String[] {S + "access-key-id= ", S + "secret-access-key=" + SECRET},
                new String[] {S + "access-key-id=AKIAEXAMPLE", S + "secret-access-key=" + SECRET, S + "linger=x"},
                new String[] {S + "access-key-id=AKIAEXAMPLE", S + "secret-access-key=" + SECRET, S + "bucket="},
                new String[] {S + "access-key-id=AKIAEXAMPLE", S + "secret-access-key=" + SECRET, S + "sse=no"})) {
            runner.withPropertyValues(bad).run(context -> {
                assertThat(context).hasFailed();
                failures.add(failureMessages(context.getStartupFailure()));
            });
        }
        assertThat(failures)
                .hasSize(5)
                .allSatisfy(message -> assertThat(message).contains(S).doesNotContain(SECRET));
        // a blank secret is named, not shown
        runner.withPropertyValues(S + "access-key-id=AKIAEXAMPLE", S + "secret-access-key=   ")
                .run(context ->
                        assertThat(failureMessages(context.getStartupFailure())).contains(S + "secret-access-key"));
        assertThat(output.getAll()).doesNotContain(SECRET);
    }

    @Test
    void recognisesSinkSecretsInEverySpelling() {
        assertThat(SinkDefinition.isSecret(S + "secret-access-key")).isTrue();
        assertThat(SinkDefinition.isSecret("actiontrail.sinks.archive.secretAccessKey"))
                .isTrue();
        assertThat(SinkDefinition.isSecret("ACTIONTRAIL_SINKS_ARCHIVE_SECRETACCESSKEY"))
                .isTrue();
        assertThat(SinkDefinition.isSecret(S + "access-key-id")).isFalse();
        assertThat(SinkDefinition.isSecret("spring.application.name")).isFalse();
    }

    private void expectFailure(String named, String... properties) {
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            assertThat(failureMessages(context.getStartupFailure()))
                    .as("failure for %s", List.of(properties))
                    .contains(named);
        });
    }

    private static String failureMessages(@Nullable Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
