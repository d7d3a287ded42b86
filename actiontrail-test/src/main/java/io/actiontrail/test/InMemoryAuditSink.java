package io.actiontrail.test;

import io.actiontrail.AuditEvent;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sink that keeps every delivered batch in memory, in delivery order, for tests of code that records audit events
 * and of the delivery pipeline itself. Failures can be injected: {@link #failNext(int, boolean)} fails the next
 * writes, {@link #failUntilRecovered(boolean)} fails every write until {@link #recover()}; a failed write delivers
 * nothing.
 *
 * <pre>{@code
 * InMemoryAuditSink sink = InMemoryAuditSink.create();
 * ActionTrail actionTrail = ActionTrail.builder()
 *         .serviceName("orders")
 *         .trail(Trail.builder("main").sink(sink).build())
 *         .build();
 * // ... exercise the application, then:
 * ActionTrailAssertions.assertThat(sink).awaitRecorded(1, Duration.ofSeconds(5)).hasRecordedEventNamed("CreateOrder");
 * }</pre>
 *
 * <p>Thread-safe: the pipeline may write while a test reads; every accessor returns an immutable snapshot.
 */
public final class InMemoryAuditSink implements AuditSink {

    /** The default sink name: {@value}. */
    public static final String DEFAULT_NAME = "memory";

    private final String name;
    private final Batching batching;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition delivered = lock.newCondition();
    // every field below is guarded by lock
    private final List<AuditBatch> batches = new ArrayList<>();
    private final List<SignedNote> checkpoints = new ArrayList<>();
    private int eventCount;
    private int failuresLeft;
    private boolean failNextRetryable;
    private boolean failingUntilRecovered;
    private boolean failUntilRecoveredRetryable;
    private long writeAttempts;
    private long failedWrites;
    private boolean closed;

    private InMemoryAuditSink(Builder builder) {
        this.name = builder.name;
        this.batching = builder.batching;
    }

    /** Returns a sink named {@value #DEFAULT_NAME} with {@link Batching#DEFAULT} batching. */
    public static InMemoryAuditSink create() {
        return builder().build();
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Keeps the batch, unless a failure was injected, in which case it throws and keeps nothing.
     *
     * @throws DeliveryException when a failure was injected with {@link #failNext} or {@link #failUntilRecovered}
     * @throws IllegalStateException when the sink was closed
     */
    @Override
    public void write(AuditBatch batch) throws DeliveryException {
        Objects.requireNonNull(batch, "batch");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("in-memory sink '" + name + "' is closed; write() after close()");
            }
            writeAttempts++;
            if (failingUntilRecovered) {
                failedWrites++;
                throw injected(failUntilRecoveredRetryable, "until recover() is called");
            }
            if (failuresLeft > 0) {
                failuresLeft--;
                failedWrites++;
                throw injected(failNextRetryable, "by failNext(), " + failuresLeft + " more to come");
            }
            batches.add(batch);
            eventCount += batch.size();
            delivered.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private DeliveryException injected(boolean retryable, String detail) {
        String message = "injected " + (retryable ? "retryable" : "permanent") + " failure of in-memory sink '" + name
                + "' (" + detail + ")";
        return retryable ? DeliveryException.retryable(message) : DeliveryException.permanent(message);
    }

    /**
     * Makes the next {@code times} writes fail without keeping anything, replacing any count set before.
     *
     * @param times how many writes fail; 0 cancels the failures still to come
     * @param retryable whether the failures are {@linkplain DeliveryException#isRetryable() retryable}
     * @throws IllegalArgumentException if {@code times} is negative
     */
    public void failNext(int times, boolean retryable) {
        if (times < 0) {
            throw new IllegalArgumentException("times must not be negative: " + times);
        }
        lock.lock();
        try {
            failuresLeft = times;
            failNextRetryable = retryable;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes every write fail without keeping anything until {@link #recover()} is called, as if the destination were
     * down ({@code retryable}) or rejected everything (not {@code retryable}).
     */
    public void failUntilRecovered(boolean retryable) {
        lock.lock();
        try {
            failingUntilRecovered = true;
            failUntilRecoveredRetryable = retryable;
        } finally {
            lock.unlock();
        }
    }

    /** Ends every injected failure: the failures of {@link #failUntilRecovered} and those left of {@link #failNext}. */
    public void recover() {
        lock.lock();
        try {
            failingUntilRecovered = false;
            failuresLeft = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Returns every delivered event, in delivery order; duplicates of retried batches included. */
    public List<AuditEvent> events() {
        List<AuditEvent> events = new ArrayList<>();
        for (AuditBatch batch : batches()) {
            events.addAll(batch.events());
        }
        return List.copyOf(events);
    }

    /** Returns every delivered batch, in delivery order. */
    public List<AuditBatch> batches() {
        lock.lock();
        try {
            return List.copyOf(batches);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns every checkpoint received without events (heartbeats and the last at a clean stop), in order; a
     * batch's own is {@link AuditBatch#checkpoint()}. Empty unless the trail has tamper evidence.
     */
    public List<SignedNote> checkpoints() {
        lock.lock();
        try {
            return List.copyOf(checkpoints);
        } finally {
            lock.unlock();
        }
    }

    /** Keeps a checkpoint that came without events. */
    @Override
    public void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("sink '" + name + "' is closed");
            }
            checkpoints.add(checkpoint);
        } finally {
            lock.unlock();
        }
    }

    /** Returns the id of every delivered event, in delivery order; duplicates of retried batches included. */
    public List<String> eventIds() {
        List<String> ids = new ArrayList<>();
        for (AuditBatch batch : batches()) {
            for (AuditRecord record : batch.records()) {
                ids.add(record.eventId());
            }
        }
        return List.copyOf(ids);
    }

    /** Returns the number of delivered events; duplicates of retried batches included. */
    public int size() {
        lock.lock();
        try {
            return eventCount;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every delivered batch; injected failures, counters and the closed state are kept. */
    public void clear() {
        lock.lock();
        try {
            batches.clear();
            checkpoints.clear();
            eventCount = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Returns how many times {@link #write} was called while open, whether the write succeeded or failed. */
    public long writeAttempts() {
        lock.lock();
        try {
            return writeAttempts;
        } finally {
            lock.unlock();
        }
    }

    /** Returns how many writes failed because a failure was injected. */
    public long failedWrites() {
        lock.lock();
        try {
            return failedWrites;
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether {@link #close()} was called. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} events were delivered, or the timeout passed.
     *
     * @return whether {@code count} events were delivered in time
     */
    boolean awaitSize(int count, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (eventCount < count) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = delivered.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the batching given to the builder. */
    @Override
    public Batching batching() {
        return batching;
    }

    /** Returns the name given to the builder, {@value #DEFAULT_NAME} by default. */
    @Override
    public String name() {
        return name;
    }

    /** Marks the sink closed: later writes throw {@link IllegalStateException}; what was delivered stays readable. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "InMemoryAuditSink{" + name + ", " + eventCount + " events in " + batches.size() + " batches"
                    + (closed ? ", closed" : "") + '}';
        } finally {
            lock.unlock();
        }
    }

    /** Builds an {@link InMemoryAuditSink}. Not thread-safe. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private Batching batching = Batching.DEFAULT;

        private Builder() {}

        /**
         * Sets the sink's name, its key within a trail; defaults to {@value InMemoryAuditSink#DEFAULT_NAME}.
         *
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank: '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** Sets how the pipeline groups events for this sink; defaults to {@link Batching#DEFAULT}. */
        public Builder batching(Batching batching) {
            this.batching = Objects.requireNonNull(batching, "batching");
            return this;
        }

        /** Returns the sink. */
        public InMemoryAuditSink build() {
            return new InMemoryAuditSink(this);
        }
    }
}
