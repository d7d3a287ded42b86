package io.actiontrail.benchmarks;

import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An in-memory sink that acknowledges every batch and keeps only a count (the test module's
 * {@code InMemoryAuditSink} keeps every batch, which millions of events per second would not fit in the heap), and
 * optionally hands each record to an observer.
 *
 * <p>Thread-safe: the pipeline writes from one thread while the benchmark reads the count.
 */
final class CountingSink implements io.actiontrail.sink.AuditSink {

    private final AtomicLong events = new AtomicLong();
    private final Consumer<AuditRecord> observer;

    CountingSink() {
        this(record -> {});
    }

    CountingSink(Consumer<AuditRecord> observer) {
        this.observer = observer;
    }

    @Override
    public void write(AuditBatch batch) {
        for (AuditRecord record : batch.records()) {
            observer.accept(record);
        }
        events.addAndGet(batch.size());
    }

    long events() {
        return events.get();
    }

    @Override
    public String name() {
        return "counting";
    }
}
