package io.actiontrail.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the base class gives every sink: name, batching and its check, closing once, writes refused after close. */
class AbstractAuditSinkTest {

    static final Batching DEFAULTS = new Batching(100, 1024 * 1024, Duration.ofSeconds(1));

    /** A sink whose destination takes at most 1,000 events a write, and that owns one resource. */
    static final class LimitedSink extends AbstractAuditSink {
        int writes;

        private LimitedSink(Builder builder, Runnable release) {
            super("limited sink", builder, release);
        }

        @Override
        public void write(AuditBatch batch) {
            checkOpen();
            writes++;
        }

        static final class Builder extends AbstractAuditSink.Builder<Builder> {
            Builder() {
                super("limited", DEFAULTS);
            }

            @Override
            protected Batching check(Batching batching) {
                if (batching.maxEvents() > 1000) {
                    throw new IllegalArgumentException("at most 1000 events: " + batching.maxEvents());
                }
                return batching;
            }

            LimitedSink build(Runnable release) {
                return new LimitedSink(this, release);
            }
        }
    }

    @Test
    void theBuilderGivesNameAndBatchingWithTheTypesDefaults() {
        LimitedSink sink = new LimitedSink.Builder().build(() -> {});
        assertThat(sink.name()).isEqualTo("limited");
        assertThat(sink.batching()).isEqualTo(DEFAULTS);
        Batching mine = new Batching(500, 2048, Duration.ofMillis(200));
        LimitedSink named =
                new LimitedSink.Builder().name("  audit-log ").batching(mine).build(() -> {});
        assertThat(named.name()).isEqualTo("audit-log");
        assertThat(named.batching()).isEqualTo(mine);
    }

    @Test
    void badSettingsAreRefusedWhenSet() {
        LimitedSink.Builder builder = new LimitedSink.Builder();
        assertThatThrownBy(() -> builder.name("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name must not be blank");
        assertThatThrownBy(() -> builder.batching(new Batching(5000, 1024, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1000 events");
        assertThat(builder.build(() -> {}).batching())
                .as("a refused value changes nothing")
                .isEqualTo(DEFAULTS);
    }

    @Test
    void closingReleasesOnceAndRefusesLaterWrites() {
        AtomicInteger released = new AtomicInteger();
        LimitedSink sink = new LimitedSink.Builder().build(released::incrementAndGet);
        sink.write(AuditBatch.ofEvents(List.of(AuditEvent.builder("Ping").build())));
        assertThat(sink.isClosed()).isFalse();
        sink.close();
        sink.close();
        assertThat(released).hasValue(1);
        assertThat(sink.isClosed()).isTrue();
        assertThatThrownBy(() -> sink.write(
                        AuditBatch.ofEvents(List.of(AuditEvent.builder("Ping").build()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("limited sink 'limited' is closed; write() after close()");
        assertThat(sink.writes).isEqualTo(1);
    }
}
