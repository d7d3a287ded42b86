package io.actiontrail.spring.autoconfigure.sink.sls;

import static io.actiontrail.spring.autoconfigure.sink.SinkTestSupport.failureMessages;
import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.sls.SlsAuditSink;
import io.actiontrail.spring.TestAutoConfigurations;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import io.actiontrail.spring.autoconfigure.sink.SinkTestSupport;
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

/**
 * The {@code sls} sink type configured from properties: what binds, what fails start-up, and what is never shown. No
 * Log Service is needed: nothing connects before the first delivery; what reaches the wire is the end-to-end test's
 * part.
 */
@ExtendWith(OutputCaptureExtension.class)
class SlsSinkPropertiesTest {

    private static final String KEY_ID = "LTAI5tPropertiesKeyId";
    private static final String SECRET = "slsSecret-Never-Shown-0123456789abcd";
    private static final String TOKEN = "CAISslsToken-Never-Shown-4242";
    private static final String S = "actiontrail.sinks.logs.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.BASE)
            .withPropertyValues(
                    "actiontrail.durability=memory",
                    S + "type=sls",
                    S + "endpoint=cn-hangzhou.log.aliyuncs.com",
                    S + "project=audit-project",
                    S + "logstore=actiontrail",
                    S + "access-key-id=" + KEY_ID,
                    S + "access-key-secret=" + SECRET);

    @Test
    void bindsEverySettingOntoAnSlsSink() {
        runner.withPropertyValues(
                        S + "endpoint=https://cn-shanghai-intranet.log.aliyuncs.com",
                        S + "security-token=" + TOKEN,
                        S + "topic=orders-audit",
                        S + "source=orders-7f9c",
                        S + "tags.env=prod",
                        S + "tags[team]=payments",
                        S + "compression=none",
                        S + "max-batch-events=200",
                        S + "max-batch-bytes=2MB",
                        S + "linger=250ms",
                        S + "max-retry-after=1m",
                        S + "connect-timeout=3s",
                        S + "call-timeout=20s")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("slsAuditSinkFactory");
                    AuditSink sink = logsSink(context.getBean(ActionTrail.class));
                    assertThat(sink.name()).isEqualTo("logs");
                    assertThat(sink.batching().maxEvents()).isEqualTo(200);
                    assertThat(sink.batching().maxBytes()).isEqualTo(2L * 1024 * 1024);
                    assertThat(sink.batching().linger()).isEqualTo(Duration.ofMillis(250));
                    assertThat(sink.toString())
                            .contains("https://audit-project.cn-shanghai-intranet.log.aliyuncs.com")
                            .contains("project=audit-project")
                            .contains("logstore=actiontrail")
                            .contains("accessKeyId=" + KEY_ID)
                            .contains("securityToken=****")
                            .doesNotContain(SECRET)
                            .doesNotContain(TOKEN);
                });
    }

    @Test
    void leftUnsetTheSinksDefaultsApply() {
        runner.run(context -> {
            AuditSink sink = logsSink(context.getBean(ActionTrail.class));
            assertThat(sink.batching().maxEvents()).isEqualTo(SlsAuditSink.DEFAULT_BATCHING.maxEvents());
            assertThat(sink.batching().maxBytes()).isEqualTo(SlsAuditSink.DEFAULT_BATCHING.maxBytes());
            assertThat(sink.batching().linger()).isEqualTo(SlsAuditSink.DEFAULT_BATCHING.linger());
            // a bare host name is reached over https; a permanent key has no token
            assertThat(sink.toString())
                    .contains("https://audit-project.cn-hangzhou.log.aliyuncs.com")
                    .contains("accessKeyId=" + KEY_ID)
                    .doesNotContain("securityToken");
        });
    }

    @Test
    void withoutTheSlsModuleTheTypeFailsStartUpNamingTheDependency() {
        runner.withClassLoader(new FilteredClassLoader(SlsAuditSink.class.getPackageName()))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(failureMessages(context.getStartupFailure()))
                            .contains(S + "type")
                            .contains("io.actiontrail:actiontrail-sink-sls");
                });
        // and the starter works without it
        new ApplicationContextRunner()
                .withConfiguration(TestAutoConfigurations.BASE)
                .withClassLoader(new FilteredClassLoader(SlsAuditSink.class.getPackageName()))
                .withPropertyValues("actiontrail.durability=memory", "actiontrail.sinks.log.type=slf4j")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasBean("slf4jAuditSinkFactory")
                        .doesNotHaveBean("slsAuditSinkFactory"));
    }

    @Test
    void missingRequiredSettingsFailStartUpNamingThem() {
        for (String required : List.of("endpoint", "project", "logstore", "access-key-id", "access-key-secret")) {
            List<String> properties = new ArrayList<>(List.of("actiontrail.durability=memory", S + "type=sls"));
            for (String other : List.of(
                    "endpoint=cn-hangzhou.log.aliyuncs.com",
                    "project=audit-project",
                    "logstore=actiontrail",
                    "access-key-id=" + KEY_ID,
                    "access-key-secret=" + SECRET)) {
                if (!other.startsWith(required + "=")) {
                    properties.add(S + other);
                }
            }
            new ApplicationContextRunner()
                    .withConfiguration(TestAutoConfigurations.BASE)
                    .withPropertyValues(properties.toArray(new String[0]))
                    .run(context -> {
                        assertThat(context).as("start-up without %s", required).hasFailed();
                        assertThat(failureMessages(context.getStartupFailure()))
                                .as("failure without %s", required)
                                .contains(S + required)
                                .contains("an sls sink needs")
                                .doesNotContain(SECRET);
                    });
        }
    }

    @Test
    void badValuesFailStartUpNamingTheProperty() {
        expectFailure(S + "endpoint", S + "endpoint=");
        expectFailure(S + "endpoint", S + "endpoint=   ");
        expectFailure(S + "endpoint", S + "endpoint=ftp://cn-hangzhou.log.aliyuncs.com");
        expectFailure(S + "endpoint", S + "endpoint=https://");
        expectFailure(S + "endpoint", S + "endpoint=cn-hangzhou.log.aliyuncs.com/logstores");
        expectFailure(S + "endpoint", S + "endpoint=https://cn-hangzhou.log.aliyuncs.com?project=audit");
        expectFailure(S + "project", S + "project= ");
        expectFailure(S + "project", S + "project=Audit_Project");
        expectFailure(S + "logstore", S + "logstore=");
        expectFailure(S + "logstore", S + "logstore=action trail");
        expectFailure(S + "access-key-id", S + "access-key-id=  ");
        expectFailure(S + "access-key-id", S + "access-key-id=LTAI 5t");
        expectFailure(S + "access-key-secret", S + "access-key-secret=");
        expectFailure(S + "access-key-secret", S + "access-key-secret=   ");
        expectFailure(S + "security-token", S + "security-token=");
        expectFailure(S + "security-token", S + "security-token=CAIS token");
        expectFailure(S + "tags.__pack_id__", S + "tags.__pack_id__=mine");
        expectFailure(S + "compression", S + "compression=gzip");
        expectFailure(S + "compression", S + "compression=zstd");
        expectFailure(S + "linger", S + "linger=-1s");
        expectFailure(S + "linger", S + "linger=soon");
        expectFailure(S + "max-retry-after", S + "max-retry-after=-5m");
        expectFailure(S + "connect-timeout", S + "connect-timeout=-2s");
        expectFailure(S + "connect-timeout", S + "connect-timeout=0s");
        expectFailure(S + "call-timeout", S + "call-timeout=-30s");
        expectFailure(S + "max-batch-events", S + "max-batch-events=0");
        expectFailure(S + "max-batch-events", S + "max-batch-events=40961");
        expectFailure(S + "max-batch-events", S + "max-batch-events=many");
        expectFailure(S + "max-batch-bytes", S + "max-batch-bytes=-1MB");
        expectFailure(S + "max-batch-bytes", S + "max-batch-bytes=6MB");
    }

    @Test
    void secretsTokensAndEndpointCredentialsNeverAppearInFailuresOrLogs(CapturedOutput output) {
        String endpointPassword = "endpointPassw0rd-Never-Shown";
        String endpointQuery = "endpointQuery-Never-Shown";
        List<String> failures = new ArrayList<>();
        for (String[] bad : List.of(
                new String[] {S + "security-token=" + TOKEN, S + "linger=x"},
                new String[] {S + "security-token=" + TOKEN, S + "compression=brotli"},
                new String[] {S + "security-token=" + TOKEN + " " + TOKEN},
                new String[] {S + "security-token=" + TOKEN, S + "access-key-id=LTAI 5t"},
                new String[] {S + "security-token=" + TOKEN, S + "access-key-secret="},
                new String[] {S + "security-token=" + TOKEN, S + "tags.__pack_id__=x"},
                new String[] {S + "security-token=" + TOKEN, S + "max-batch-bytes=6MB"},
                new String[] {S + "endpoint=https://sls:" + endpointPassword + "@cn-hangzhou.log.aliyuncs.com"},
                new String[] {S + "endpoint=cn-hangzhou.log.aliyuncs.com/p?key=" + endpointQuery},
                new String[] {S + "endpoint=not a host:" + endpointPassword + "@x?q=" + endpointQuery})) {
            runner.withPropertyValues(bad).run(context -> {
                assertThat(context).hasFailed();
                failures.add(failureMessages(context.getStartupFailure()));
            });
        }
        assertThat(failures).hasSize(10).allSatisfy(message -> assertThat(message)
                .contains(S)
                .doesNotContain(SECRET)
                .doesNotContain(TOKEN)
                .doesNotContain(endpointPassword)
                .doesNotContain(endpointQuery));
        // the endpoint is shown without what may be credentials, so that the mistake can still be seen
        assertThat(failures.get(7)).contains(S + "endpoint").contains("https://cn-hangzhou.log.aliyuncs.com");
        assertThat(failures.get(8)).contains(S + "endpoint").contains("cn-hangzhou.log.aliyuncs.com/p");
        assertThat(failures.get(2)).contains(S + "security-token");
        assertThat(output.getAll())
                .doesNotContain(SECRET)
                .doesNotContain(TOKEN)
                .doesNotContain(endpointPassword)
                .doesNotContain(endpointQuery);
    }

    @Test
    void recognisesAccessKeySecretsAndSecurityTokensInEverySpelling() {
        for (String key : List.of(
                S + "access-key-secret",
                S + "accessKeySecret",
                S + "access_key_secret",
                "ACTIONTRAIL_SINKS_LOGS_ACCESSKEYSECRET",
                S + "security-token",
                S + "securityToken",
                "ACTIONTRAIL_SINKS_LOGS_SECURITYTOKEN")) {
            assertThat(SinkDefinition.isSecret(key)).as(key).isTrue();
        }
        for (String key : List.of(
                S + "access-key-id",
                S + "endpoint",
                S + "project",
                S + "logstore",
                S + "topic",
                S + "source",
                S + "tags.env",
                S + "compression",
                "spring.security.token")) {
            assertThat(SinkDefinition.isSecret(key)).as(key).isFalse();
        }
    }

    @Test
    void aMisspeltSettingFailsTheStartUpNamingItselfAndTheNearestSetting() {
        runner.withPropertyValues(S + "logstor=actiontrail-2").run(context -> {
            assertThat(context).hasFailed();
            assertThat(failureMessages(context.getStartupFailure()))
                    .contains(S + "logstor")
                    .contains("is not a setting of sls sinks; did you mean logstore?");
        });
        // a secret under a misspelt name is named, never shown
        runner.withPropertyValues(S + "access-key-secrte=typo-" + SECRET).run(context -> {
            assertThat(context).hasFailed();
            assertThat(failureMessages(context.getStartupFailure()))
                    .contains(S + "access-key-secrte")
                    .contains("did you mean access-key-secret?")
                    .doesNotContain(SECRET);
        });
        // a key far from every setting gets the list, no guess
        runner.withPropertyValues(S + "colour=blue").run(context -> {
            assertThat(context).hasFailed();
            assertThat(failureMessages(context.getStartupFailure()))
                    .contains(S + "colour")
                    .contains("is not a setting of sls sinks. Its settings: [")
                    .doesNotContain("did you mean");
        });
    }

    private static AuditSink logsSink(ActionTrail actionTrail) {
        AuditSink sink =
                Objects.requireNonNull(actionTrail.trails().get(0).sinks().get("logs"));
        // with timeouts or max-retry-after set, the sink comes with the transport made for it, closed after it
        assertThat(SinkTestSupport.unwrap(sink)).isInstanceOf(SlsAuditSink.class);
        return sink;
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
