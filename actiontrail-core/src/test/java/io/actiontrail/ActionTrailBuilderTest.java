package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.sink.Batching;
import io.actiontrail.trail.EventSelector;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Misuse at configuration time fails fast, with a message that names the bad value. */
class ActionTrailBuilderTest {

    @TempDir
    Path dir;

    @Test
    void requiresAServiceName() {
        assertThatThrownBy(() -> ActionTrail.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("serviceName is required");
        assertThatThrownBy(() -> ActionTrail.builder().serviceName("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serviceName must not be blank");
    }

    @Test
    void rejectsOutOfRangeLimitsNamingTheValue() {
        assertThatThrownBy(() -> ActionTrail.builder().maxEventBytes(100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEventBytes")
                .hasMessageContaining("100");
        assertThatThrownBy(() -> ActionTrail.builder().memoryCapacity(10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(": 10");
        assertThatThrownBy(() -> ActionTrail.builder().maxArgumentDepth(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxArgumentDepth must be between 1 and 64: 0");
        assertThatThrownBy(() -> ActionTrail.builder().maxArgumentDepth(65))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(": 65");
        assertThatThrownBy(() -> ActionTrail.builder().maxStringLength(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3");
        assertThatThrownBy(() -> ActionTrail.builder().maxCollectionElements(-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");
        assertThatThrownBy(() -> ActionTrail.builder().shutdownTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> ActionTrail.builder().redactKeys(List.of("password", " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redact key must not be blank");
    }

    @Test
    void rejectsBadBatchingAndRetrySettings() {
        assertThatThrownBy(() -> new Batching(0, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxEvents must be positive: 0");
        assertThatThrownBy(() -> Batching.DEFAULT.withMaxBytes(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBytes must be positive: -1");
        assertThatThrownBy(() -> Batching.DEFAULT.withLinger(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linger must not be negative");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), 2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialBackoff must be positive");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBackoff must not be less than initialBackoff");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("multiplier must be at least 1: 0.5");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jitter must be between 0 and 1: 1.5");
    }

    @Test
    void backoffGrowsUpToTheCapWithBoundedJitter() {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2);
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoff(50)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2, 0.0)).isEqualTo(Duration.ofMillis(160));
        assertThat(policy.backoff(2, 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(2, 0.999_999).toMillis()).isEqualTo(239);
    }

    @Test
    void rejectsBadTrailsAndSinks() {
        assertThatThrownBy(() -> Trail.builder("bad name!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad name!'");
        assertThatThrownBy(() -> Trail.builder("empty").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trail 'empty' has no sink");
        ScriptedSink sink = new ScriptedSink("s");
        assertThatThrownBy(() -> Trail.builder("t").sink(sink).sink(sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a sink named 's'");
        Trail trail = Trail.builder("t").sink(sink).build();
        assertThatThrownBy(() -> ActionTrail.builder().trail(trail).trail(trail))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a trail named 't' was already added");
        assertThatThrownBy(() -> EventSelector.builder().includeEventNames(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event-name glob must not be blank");
        assertThatThrownBy(() -> EventSelector.builder().resourceTypes(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resourceType must not be blank");
    }

    @Test
    void limitsTheNumberOfTrailSinkPairs() {
        ActionTrail.Builder builder = ActionTrail.builder().serviceName("svc").shutdownHook(false);
        for (int i = 0; i < 65; i++) {
            builder.trail(Trail.builder("t" + i).sink(new ScriptedSink("s")).build());
        }
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at most 64 trail-sink pairs are supported: 65");
    }

    @Test
    void namesTheKnownTrailsWhenAskedForAnUnknownOne() {
        try (ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("svc")
                .dataDir(dir)
                .shutdownHook(false)
                .trail(Trail.builder("main").sink(new ScriptedSink("s")).build())
                .build()) {
            assertThatThrownBy(() -> actionTrail.status("nope"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no trail named 'nope'; trails: [main]");
            assertThatThrownBy(() -> actionTrail.stopLogging("nope")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> actionTrail.status("main").sink("other"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no sink named 'other'");
        }
    }

    @Test
    void worksWithoutAnyTrail() {
        try (ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("svc")
                .dataDir(dir)
                .shutdownHook(false)
                .build()) {
            actionTrail.record(AuditEvent.builder("A").build());
            assertThat(actionTrail.flush(Duration.ofSeconds(1))).isTrue();
            assertThat(actionTrail.captureStats().recorded()).isEqualTo(1);
            assertThat(actionTrail.trails()).isEmpty();
        }
    }

    @Test
    void threadFactoryIsUsedForDeliveryThreads() {
        List<Thread> created = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("svc")
                .dataDir(dir)
                .shutdownHook(false)
                .threadFactory(r -> {
                    Thread t = new Thread(r);
                    t.setDaemon(true);
                    created.add(t);
                    return t;
                })
                .trail(Trail.builder("main")
                        .sink(new ScriptedSink("a"))
                        .sink(new ScriptedSink("b"))
                        .build())
                .build()) {
            assertThat(actionTrail.trails()).hasSize(1);
            assertThat(created)
                    .extracting(Thread::getName)
                    .containsExactly(
                            "actiontrail-journal-writer",
                            "actiontrail-journal-indexer",
                            "actiontrail-main-a",
                            "actiontrail-main-b",
                            "actiontrail-insights");
        }
        assertThat(created).allSatisfy(t -> assertThat(t.isAlive()).isFalse());
    }

    @Test
    void defaultRedactKeysAreTheDocumentedOnes() {
        assertThat(ActionTrail.DEFAULT_REDACT_KEYS)
                .isEqualTo(Set.of(
                        "password",
                        "secret",
                        "token",
                        "authorization",
                        "credential",
                        "apiKey",
                        "accessKeySecret",
                        "cookie"));
    }
}
