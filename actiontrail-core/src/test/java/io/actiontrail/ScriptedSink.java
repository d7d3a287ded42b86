package io.actiontrail;

import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A sink for pipeline tests whose failures are scripted; records what it accepted. Thread-safe. */
final class ScriptedSink implements AuditSink {

    enum Mode {
        ACCEPT,
        FAIL_RETRYABLE,
        FAIL_PERMANENT,
        FAIL_RETRY_AFTER_AN_HOUR,
        THROW_RUNTIME,
        /**
         * Takes the first event of the batch, refuses the events named {@code Poison*} for their content, and fails
         * retryably for the rest, saying so through the exception.
         */
        PARTIAL
    }

    private final String name;
    private final Batching batching;
    private final List<AuditBatch> batches = new ArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean overlapped = new AtomicBoolean();
    private final AtomicInteger closes = new AtomicInteger();
    private volatile Mode mode = Mode.ACCEPT;
    private final AtomicInteger failuresLeft = new AtomicInteger(-1);

    ScriptedSink(String name, Batching batching) {
        this.name = name;
        this.batching = batching;
    }

    ScriptedSink(String name) {
        this(name, Batching.DEFAULT.withLinger(java.time.Duration.ofMillis(5)));
    }

    /** Fails in the given mode from now on, or for the next {@code times} attempts when positive. */
    void fail(Mode mode, int times) {
        this.failuresLeft.set(times);
        this.mode = mode;
    }

    void recover() {
        this.mode = Mode.ACCEPT;
    }

    @Override
    public void write(AuditBatch batch) throws DeliveryException {
        if (inFlight.incrementAndGet() > 1) {
            overlapped.set(true);
        }
        try {
            attempts.incrementAndGet();
            Mode current = mode;
            if (current != Mode.ACCEPT && failuresLeft.get() > 0 && failuresLeft.decrementAndGet() == 0) {
                mode = Mode.ACCEPT;
            }
            switch (current) {
                case FAIL_RETRYABLE ->
                    throw DeliveryException.retryable("destination down").withErrorCode("Down");
                case FAIL_PERMANENT -> throw DeliveryException.permanent("content rejected");
                case FAIL_RETRY_AFTER_AN_HOUR ->
                    throw DeliveryException.retryable("throttled")
                            .withErrorCode("429")
                            .withRetryAfter(java.time.Duration.ofHours(1));
                case THROW_RUNTIME -> throw new IllegalStateException("sink bug");
                case PARTIAL -> {
                    AuditRecord first = batch.records().get(0);
                    synchronized (batches) {
                        batches.add(AuditBatch.of(List.of(first)));
                    }
                    List<String> poison = new ArrayList<>();
                    for (AuditEvent event : batch.events()) {
                        if (event.eventName().startsWith("Poison")) {
                            poison.add(event.eventId());
                        }
                    }
                    throw DeliveryException.retryable("took one, the rest later")
                            .withErrorCode("Partial")
                            .withDelivered(List.of(first.eventId()))
                            .withRefused(poison);
                }
                case ACCEPT -> {
                    synchronized (batches) {
                        batches.add(batch);
                    }
                }
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    List<AuditBatch> batches() {
        synchronized (batches) {
            return List.copyOf(batches);
        }
    }

    List<String> eventIds() {
        List<String> ids = new ArrayList<>();
        for (AuditBatch batch : batches()) {
            batch.records().forEach(r -> ids.add(r.eventId()));
        }
        return ids;
    }

    List<String> eventNames() {
        List<String> names = new ArrayList<>();
        for (AuditBatch batch : batches()) {
            batch.events().forEach(e -> names.add(e.eventName()));
        }
        return names;
    }

    int attempts() {
        return attempts.get();
    }

    boolean overlapped() {
        return overlapped.get();
    }

    int closes() {
        return closes.get();
    }

    @Override
    public Batching batching() {
        return batching;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
