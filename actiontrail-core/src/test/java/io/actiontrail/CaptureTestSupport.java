package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.trail.Trail;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** Shared fixtures of the capture tests: a recording sink and an ActionTrail wired to it. */
public final class CaptureTestSupport {

    private CaptureTestSupport() {}

    /** Keeps every delivered event and its raw JSON line, in delivery order. Thread-safe. */
    static final class RecordingSink implements AuditSink {
        private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
        private final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void write(AuditBatch batch) {
            for (AuditRecord record : batch.records()) {
                lines.add(record.json());
            }
            events.addAll(batch.events());
        }

        List<AuditEvent> events() {
            return List.copyOf(events);
        }

        List<String> lines() {
            return List.copyOf(lines);
        }
    }

    /** An ActionTrail delivering to one recording sink; close it after each test. */
    static final class Harness implements AutoCloseable {
        final RecordingSink sink = new RecordingSink();
        final ActionTrail actionTrail;

        private Harness(UnaryOperator<ActionTrail.Builder> configuration) {
            ActionTrail.Builder builder = ActionTrail.builder()
                    .serviceName("svc")
                    .durability(Durability.MEMORY) // capture tests; the journals have their own
                    .shutdownHook(false)
                    .trail(Trail.builder("t").sink(sink).build());
            this.actionTrail = configuration.apply(builder).build();
        }

        static Harness create() {
            return new Harness(UnaryOperator.identity());
        }

        static Harness create(UnaryOperator<ActionTrail.Builder> configuration) {
            return new Harness(configuration);
        }

        <T> T proxy(Class<T> type, T target) {
            return actionTrail.proxy(type, target);
        }

        void record(@Nullable AuditEvent event) {
            actionTrail.record(event);
        }

        /** Flushes, then returns every event the sink received so far. */
        List<AuditEvent> events() {
            assertThat(actionTrail.flush(Duration.ofSeconds(10)))
                    .as("flush within 10 s")
                    .isTrue();
            return sink.events();
        }

        /** Flushes, then returns the one event the sink received. */
        AuditEvent onlyEvent() {
            List<AuditEvent> events = events();
            assertThat(events).hasSize(1);
            return events.get(0);
        }

        /** Flushes, then returns the raw JSON line of the one event the sink received. */
        String onlyLine() {
            assertThat(events()).hasSize(1);
            return sink.lines().get(0);
        }

        @Override
        public void close() {
            actionTrail.close();
        }
    }

    /** Returns the event's request parameters, failing the test when there are none. */
    static Map<String, @Nullable Object> requestParameters(AuditEvent event) {
        return Objects.requireNonNull(event.requestParameters(), "requestParameters");
    }

    /** Returns the event's response elements, failing the test when there are none. */
    static Map<String, @Nullable Object> responseElements(AuditEvent event) {
        return Objects.requireNonNull(event.responseElements(), "responseElements");
    }

    /** Returns the JSON object under {@code key}, failing the test when it is not one. */
    static Map<String, @Nullable Object> object(Map<String, @Nullable Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return asObject(parent.get(key));
    }

    /** Returns the JSON array under {@code key}, failing the test when it is not one. */
    static List<@Nullable Object> array(Map<String, @Nullable Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return asArray(parent.get(key));
    }

    /** Returns a JSON value as an object, failing the test when it is not one. */
    @SuppressWarnings("unchecked") // JSON trees have string keys
    public static Map<String, @Nullable Object> asObject(@Nullable Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, @Nullable Object>) Objects.requireNonNull(value);
    }

    /** Returns a JSON value as an array, failing the test when it is not one. */
    @SuppressWarnings("unchecked") // JSON arrays hold JSON values
    public static List<@Nullable Object> asArray(@Nullable Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<@Nullable Object>) Objects.requireNonNull(value);
    }
}
