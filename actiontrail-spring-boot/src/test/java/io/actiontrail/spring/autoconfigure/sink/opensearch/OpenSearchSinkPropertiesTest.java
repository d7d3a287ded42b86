package io.actiontrail.spring.autoconfigure.sink.opensearch;

import static io.actiontrail.spring.autoconfigure.sink.SinkTestSupport.failureMessages;
import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.query.EventStore;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.opensearch.OpenSearchAuditSink;
import io.actiontrail.sink.opensearch.OpenSearchConnection;
import io.actiontrail.sink.opensearch.OpenSearchEventStore;
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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code opensearch} sink type and the shared query store configured from properties: what binds, what fails
 * start-up, and what is never shown. No cluster is needed: nothing connects before the first delivery or lookup.
 */
@ExtendWith(OutputCaptureExtension.class)
class OpenSearchSinkPropertiesTest {

    private static final String PASSWORD = "searchPassw0rd-Never-Shown";
    private static final String API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw-NeverShown";
    private static final String S = "actiontrail.sinks.search.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.BASE)
            .withPropertyValues(
                    "actiontrail.durability=memory", S + "type=opensearch", S + "url=https://search.internal:9200");

    @Test
    void bindsEverySettingOntoAnOpenSearchSink() {
        runner.withPropertyValues(
                        S + "username=actiontrail",
                        S + "password=" + PASSWORD,
                        S + "connect-timeout=3s",
                        S + "call-timeout=20s",
                        S + "index=audit-orders",
                        S + "install-template=false",
                        S + "shards=3",
                        S + "replicas=2",
                        S + "refresh=wait_for",
                        S + "max-batch-events=200",
                        S + "max-batch-bytes=2MB",
                        S + "linger=300ms")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("openSearchAuditSinkFactory");
                    AuditSink sink = searchSink(context.getBean(ActionTrail.class));
                    assertThat(sink.name()).isEqualTo("search");
                    assertThat(sink.batching().maxEvents()).isEqualTo(200);
                    assertThat(sink.batching().maxBytes()).isEqualTo(2L * 1024 * 1024);
                    assertThat(sink.batching().linger()).isEqualTo(Duration.ofMillis(300));
                    assertThat(sink.toString())
                            .contains("https://search.internal:9200")
                            .contains("auth=basic actiontrail")
                            .contains("index=audit-orders")
                            .doesNotContain(PASSWORD);
                    // without query-store, the EventStore bean is the ActionTrail's: the local journal
                    assertThat(context).doesNotHaveBean(OpenSearchEventStore.class);
                    assertThat(context.getBean(EventStore.class))
                            .isSameAs(context.getBean(ActionTrail.class).eventStore());
                });
    }

    @Test
    void anApiKeyAuthenticatesInsteadOfAPassword() {
        runner.withPropertyValues(S + "api-key=" + API_KEY).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(searchSink(context.getBean(ActionTrail.class)).toString())
                    .contains("auth=apiKey")
                    .doesNotContain(API_KEY);
        });
    }

    @Test
    void leftUnsetTheSinksDefaultsApply() {
        runner.run(context -> {
            AuditSink sink = searchSink(context.getBean(ActionTrail.class));
            assertThat(sink.toString())
                    .contains("auth=none")
                    .contains("index=" + OpenSearchAuditSink.DEFAULT_INDEX + "}");
            assertThat(sink.batching().maxEvents()).isEqualTo(OpenSearchAuditSink.DEFAULT_BATCHING.maxEvents());
            assertThat(sink.batching().maxBytes()).isEqualTo(OpenSearchAuditSink.DEFAULT_BATCHING.maxBytes());
            assertThat(sink.batching().linger()).isEqualTo(OpenSearchAuditSink.DEFAULT_BATCHING.linger());
        });
    }

    @Test
    void withQueryStoreTheEventStoreBeanReadsTheSinksIndices() {
        runner.withPropertyValues(
                        S + "index=audit-orders",
                        S + "username=actiontrail",
                        S + "password=" + PASSWORD,
                        S + "query-store=true",
                        "actiontrail.sinks.log.type=slf4j")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(OpenSearchEventStore.class);
                    EventStore store = context.getBean(EventStore.class);
                    assertThat(store).isInstanceOf(OpenSearchEventStore.class);
                    assertThat(store.toString())
                            .contains("https://search.internal:9200")
                            .contains("auth=basic actiontrail")
                            .contains("index=audit-orders-*")
                            .doesNotContain(PASSWORD);
                    assertThat(context.getBean(OpenSearchQueryStore.class).sinkName())
                            .isEqualTo("search");
                    // the journal stays reachable as the ActionTrail bean
                    assertThat(context.getBean(ActionTrail.class)).isNotSameAs(store);
                });
    }

    @Test
    void anApplicationsOwnOpenSearchEventStoreWins() {
        runner.withPropertyValues(S + "query-store=true")
                .withUserConfiguration(OwnStore.class)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(OpenSearchQueryStore.class);
                    assertThat(context.getBean(OpenSearchEventStore.class).toString())
                            .contains("http://own.internal:9200");
                });
    }

    @Test
    void withoutTheOpenSearchModuleTheTypeFailsStartUpNamingTheDependency() {
        runner.withClassLoader(new FilteredClassLoader(OpenSearchAuditSink.class.getPackageName()))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(failureMessages(context.getStartupFailure()))
                            .contains(S + "type")
                            .contains("io.actiontrail:actiontrail-sink-opensearch");
                });
        // and the starter works without it
        new ApplicationContextRunner()
                .withConfiguration(TestAutoConfigurations.BASE)
                .withClassLoader(new FilteredClassLoader(OpenSearchAuditSink.class.getPackageName()))
                .withPropertyValues("actiontrail.durability=memory", "actiontrail.sinks.log.type=slf4j")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasBean("slf4jAuditSinkFactory")
                        .doesNotHaveBean("openSearchAuditSinkFactory")
                        .doesNotHaveBean(OpenSearchQueryStore.class));
    }

    @Test
    void badValuesFailStartUpNamingTheProperty() {
        expectFailure(S + "url", S + "url=");
        expectFailure(S + "url", S + "url=search.internal:9200");
        expectFailure(S + "url", S + "url=ftp://search.internal:9200");
        expectFailure(S + "url", S + "url=https://actiontrail:pw@search.internal:9200");
        expectFailure(S + "password", S + "username=actiontrail");
        expectFailure(S + "password", S + "username=actiontrail", S + "password= ");
        expectFailure(S + "username", S + "password=" + PASSWORD);
        expectFailure(S + "username", S + "username=action:trail", S + "password=" + PASSWORD);
        expectFailure(S + "api-key", S + "api-key= ");
        expectFailure(S + "api-key", S + "api-key=" + API_KEY, S + "username=a", S + "password=" + PASSWORD);
        expectFailure(S + "connect-timeout", S + "connect-timeout=-1s");
        expectFailure(S + "call-timeout", S + "call-timeout=0s");
        expectFailure(S + "linger", S + "linger=-100ms");
        expectFailure(S + "linger", S + "linger=later");
        expectFailure(S + "index", S + "index=Audit/Orders");
        expectFailure(S + "shards", S + "shards=0");
        expectFailure(S + "replicas", S + "replicas=-1");
        expectFailure(S + "refresh", S + "refresh=sometimes");
        expectFailure(S + "install-template", S + "install-template=perhaps");
        expectFailure(S + "max-batch-events", S + "max-batch-events=-5");
        expectFailure(S + "max-batch-bytes", S + "max-batch-bytes=0B");
    }

    @Test
    void badQueryStoreSettingsFailStartUpNamingTheProperty() {
        expectFailure(S + "query-store", S + "query-store=perhaps");
        // two sinks cannot both answer lookups
        expectFailure(
                "actiontrail.sinks.second.query-store",
                S + "query-store=true",
                "actiontrail.sinks.second.type=opensearch",
                "actiontrail.sinks.second.url=http://other.internal:9200",
                "actiontrail.sinks.second.query-store=true");
        // only an opensearch sink can
        expectFailure(
                "actiontrail.sinks.hook.query-store",
                "actiontrail.sinks.hook.type=webhook",
                "actiontrail.sinks.hook.url=https://audit.example.com/h",
                "actiontrail.sinks.hook.secret=0123456789abcdef0123",
                "actiontrail.sinks.hook.query-store=true");
        // the store checks the same settings as the sink, even when no trail uses the sink
        expectFailure(
                S + "url",
                S + "url=ftp://search.internal",
                S + "query-store=true",
                "actiontrail.trails.main.sinks=log",
                "actiontrail.sinks.log.type=slf4j");
        expectFailure(
                S + "index",
                S + "index=UPPER",
                S + "query-store=true",
                "actiontrail.trails.main.sinks=log",
                "actiontrail.sinks.log.type=slf4j");
    }

    @Test
    void passwordsApiKeysAndUrlCredentialsNeverAppearInFailuresOrLogs(CapturedOutput output) {
        String urlPassword = "urlPassw0rd-Never-Shown";
        List<String> failures = new ArrayList<>();
        for (String[] bad : List.of(
                new String[] {S + "password=" + PASSWORD},
                new String[] {S + "username=actiontrail", S + "password=" + PASSWORD, S + "linger=x"},
                new String[] {S + "username=actiontrail", S + "password=" + PASSWORD, S + "index=BAD"},
                new String[] {S + "api-key=" + API_KEY, S + "password=" + PASSWORD},
                new String[] {S + "api-key=" + API_KEY, S + "refresh=often"},
                new String[] {S + "url=https://actiontrail:" + urlPassword + "@search.internal:9200"},
                new String[] {S + "api-key=" + API_KEY, S + "query-store=true", S + "index=BAD"})) {
            runner.withPropertyValues(bad).run(context -> {
                assertThat(context).hasFailed();
                failures.add(failureMessages(context.getStartupFailure()));
            });
        }
        assertThat(failures).hasSize(7).allSatisfy(message -> assertThat(message)
                .contains(S)
                .doesNotContain(PASSWORD)
                .doesNotContain(API_KEY)
                .doesNotContain(urlPassword));
        assertThat(failures.get(5)).contains("https://search.internal:9200");
        assertThat(output.getAll())
                .doesNotContain(PASSWORD)
                .doesNotContain(API_KEY)
                .doesNotContain(urlPassword);
    }

    @Test
    void recognisesPasswordsAndApiKeysInEverySpelling() {
        for (String key : List.of(
                S + "password",
                S + "api-key",
                S + "apiKey",
                "ACTIONTRAIL_SINKS_SEARCH_PASSWORD",
                "ACTIONTRAIL_SINKS_SEARCH_APIKEY")) {
            assertThat(SinkDefinition.isSecret(key)).as(key).isTrue();
        }
        for (String key : List.of(S + "username", S + "url", S + "index", S + "query-store")) {
            assertThat(SinkDefinition.isSecret(key)).as(key).isFalse();
        }
    }

    private static AuditSink searchSink(ActionTrail actionTrail) {
        AuditSink sink =
                Objects.requireNonNull(actionTrail.trails().get(0).sinks().get("search"));
        assertThat(SinkTestSupport.ownsResources(sink)).isTrue();
        assertThat(SinkTestSupport.unwrap(sink)).isInstanceOf(OpenSearchAuditSink.class);
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

    /** An application that builds its own store. */
    @Configuration(proxyBeanMethods = false)
    static class OwnStore {
        @Bean(destroyMethod = "")
        OpenSearchConnection ownConnection() {
            return OpenSearchConnection.builder("http://own.internal:9200").build();
        }

        @Bean
        OpenSearchEventStore ownStore(OpenSearchConnection ownConnection) {
            return OpenSearchEventStore.builder(ownConnection).build();
        }
    }
}
