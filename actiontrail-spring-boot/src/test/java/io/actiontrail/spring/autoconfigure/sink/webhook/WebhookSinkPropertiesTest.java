package io.actiontrail.spring.autoconfigure.sink.webhook;

import static io.actiontrail.spring.autoconfigure.sink.SinkTestSupport.failureMessages;
import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.webhook.WebhookAuditSink;
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

/** The {@code webhook} sink type configured from properties: what binds, what fails start-up, and what is never shown. */
@ExtendWith(OutputCaptureExtension.class)
class WebhookSinkPropertiesTest {

    private static final String SECRET = "hookSecret-Never-Shown-0123456789abcdef";
    private static final String TOKEN = "Bearer hookToken-Never-Shown-42";
    private static final String S = "actiontrail.sinks.hook.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.BASE)
            .withPropertyValues(
                    "actiontrail.durability=memory",
                    S + "type=webhook",
                    S + "url=https://audit.example.com/hooks/actiontrail",
                    S + "secret=" + SECRET);

    @Test
    void bindsEverySettingOntoAWebhookSink() {
        runner.withPropertyValues(
                        S + "headers.Authorization=" + TOKEN,
                        S + "headers[X-Tenant]=acme",
                        S + "max-batch-events=50",
                        S + "max-batch-bytes=256KB",
                        S + "linger=250ms",
                        S + "max-retry-after=30s",
                        S + "connect-timeout=2s",
                        S + "call-timeout=5s")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("webhookAuditSinkFactory");
                    Trail main = context.getBean(ActionTrail.class).trails().get(0);
                    AuditSink sink = Objects.requireNonNull(main.sinks().get("hook"));
                    // the timeouts and max-retry-after make a transport, which the sink returned here closes
                    assertThat(SinkTestSupport.ownsResources(sink)).isTrue();
                    AuditSink hook = SinkTestSupport.unwrap(sink);
                    assertThat(hook).isInstanceOf(WebhookAuditSink.class);
                    assertThat(hook.name()).isEqualTo("hook");
                    assertThat(hook.batching().maxEvents()).isEqualTo(50);
                    assertThat(hook.batching().maxBytes()).isEqualTo(256L * 1024);
                    assertThat(hook.batching().linger()).isEqualTo(Duration.ofMillis(250));
                    assertThat(hook.toString())
                            .contains("https://audit.example.com:443/hooks/actiontrail")
                            .doesNotContain(SECRET)
                            .doesNotContain(TOKEN);
                });
    }

    @Test
    void leftUnsetTheSinksDefaultsApply() {
        runner.run(context -> {
            AuditSink sink = Objects.requireNonNull(
                    context.getBean(ActionTrail.class).trails().get(0).sinks().get("hook"));
            assertThat(sink).isInstanceOf(WebhookAuditSink.class);
            assertThat(sink.batching().maxEvents()).isEqualTo(WebhookAuditSink.DEFAULT_BATCHING.maxEvents());
            assertThat(sink.batching().maxBytes()).isEqualTo(WebhookAuditSink.DEFAULT_BATCHING.maxBytes());
            assertThat(sink.batching().linger()).isEqualTo(WebhookAuditSink.DEFAULT_BATCHING.linger());
        });
    }

    @Test
    void withoutTheWebhookModuleTheTypeFailsStartUpNamingTheDependency() {
        runner.withClassLoader(new FilteredClassLoader(WebhookAuditSink.class.getPackageName()))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(failureMessages(context.getStartupFailure()))
                            .contains(S + "type")
                            .contains("io.actiontrail:actiontrail-sink-webhook");
                });
        // and the starter works without it
        new ApplicationContextRunner()
                .withConfiguration(TestAutoConfigurations.BASE)
                .withClassLoader(new FilteredClassLoader(WebhookAuditSink.class.getPackageName()))
                .withPropertyValues("actiontrail.durability=memory", "actiontrail.sinks.log.type=slf4j")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasBean("slf4jAuditSinkFactory")
                        .doesNotHaveBean("webhookAuditSinkFactory"));
    }

    @Test
    void badValuesFailStartUpNamingTheProperty() {
        expectFailure(S + "url", S + "url=");
        expectFailure(S + "url", S + "url=   ");
        expectFailure(S + "url", S + "url=audit.example.com/hooks");
        expectFailure(S + "url", S + "url=ftp://audit.example.com/hooks");
        expectFailure(S + "url", S + "url=https://");
        expectFailure(S + "secret", S + "secret=");
        expectFailure(S + "secret", S + "secret=too-short");
        expectFailure(S + "headers.X-ActionTrail-Signature", S + "headers.X-ActionTrail-Signature=v1=forged");
        expectFailure(S + "headers.Content-Type", S + "headers.Content-Type=text/plain");
        expectFailure(S + "linger", S + "linger=-1s");
        expectFailure(S + "linger", S + "linger=soon");
        expectFailure(S + "max-retry-after", S + "max-retry-after=-5m");
        expectFailure(S + "connect-timeout", S + "connect-timeout=-2s");
        expectFailure(S + "connect-timeout", S + "connect-timeout=0s");
        expectFailure(S + "call-timeout", S + "call-timeout=-30s");
        expectFailure(S + "max-batch-events", S + "max-batch-events=0");
        expectFailure(S + "max-batch-events", S + "max-batch-events=many");
        expectFailure(S + "max-batch-bytes", S + "max-batch-bytes=-1MB");
    }

    @Test
    void aMissingSecretFailsStartUpNamingIt() {
        new ApplicationContextRunner()
                .withConfiguration(TestAutoConfigurations.BASE)
                .withPropertyValues(
                        "actiontrail.durability=memory", S + "type=webhook", S + "url=https://audit.example.com/h")
                .run(context ->
                        assertThat(failureMessages(context.getStartupFailure())).contains(S + "secret"));
        new ApplicationContextRunner()
                .withConfiguration(TestAutoConfigurations.BASE)
                .withPropertyValues("actiontrail.durability=memory", S + "type=webhook", S + "secret=" + SECRET)
                .run(context ->
                        assertThat(failureMessages(context.getStartupFailure())).contains(S + "url"));
    }

    @Test
    void secretsHeaderValuesAndUrlCredentialsNeverAppearInFailuresOrLogs(CapturedOutput output) {
        String urlPassword = "urlPassw0rd-Never-Shown";
        String urlToken = "queryToken-Never-Shown";
        List<String> failures = new ArrayList<>();
        for (String[] bad : List.of(
                new String[] {S + "secret=short-" + SECRET.substring(0, 5)},
                new String[] {S + "headers.Authorization=" + TOKEN, S + "linger=x"},
                new String[] {S + "headers.Authorization=" + TOKEN + "\n", S + "max-batch-events=0"},
                new String[] {S + "headers.X-ActionTrail-Timestamp=" + TOKEN},
                new String[] {S + "url=ftp://hook:" + urlPassword + "@audit.example.com/h?token=" + urlToken},
                new String[] {S + "url=not a url:" + urlPassword + "@x?token=" + urlToken})) {
            runner.withPropertyValues(bad).run(context -> {
                assertThat(context).hasFailed();
                failures.add(failureMessages(context.getStartupFailure()));
            });
        }
        assertThat(failures).hasSize(6).allSatisfy(message -> assertThat(message)
                .contains(S)
                .doesNotContain(SECRET)
                .doesNotContain(SECRET.substring(0, 5))
                .doesNotContain(TOKEN)
                .doesNotContain(urlPassword)
                .doesNotContain(urlToken));
        // the URL is shown without what may be credentials, so that the mistake can still be seen
        assertThat(failures.get(4)).contains("ftp://audit.example.com/h");
        assertThat(output.getAll())
                .doesNotContain(SECRET)
                .doesNotContain(TOKEN)
                .doesNotContain(urlPassword)
                .doesNotContain(urlToken);
    }

    @Test
    void recognisesWebhookSecretsAndHeaderValuesInEverySpelling() {
        for (String key : List.of(
                S + "secret",
                "ACTIONTRAIL_SINKS_HOOK_SECRET",
                S + "headers.Authorization",
                S + "headers[X-Api-Key]",
                S + "headers.x-custom-credential",
                "actiontrail.sinks.hook.headers.Cookie",
                "ACTIONTRAIL_SINKS_HOOK_HEADERS_AUTHORIZATION")) {
            assertThat(SinkDefinition.isSecret(key)).as(key).isTrue();
        }
        for (String key : List.of(
                S + "url",
                S + "type",
                S + "linger",
                "actiontrail.sinks.headers.url",
                "actiontrail.sinks.headers.type",
                "spring.application.name")) {
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
