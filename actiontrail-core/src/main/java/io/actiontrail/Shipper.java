package io.actiontrail;

import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.TrailStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Feeds one sink of one trail from the journal: reads the entries routed to it in order, groups them by the sink's
 * {@link Batching}, and delivers each batch until the sink accepts it, backing off between attempts. Its position
 * in the journal advances only after the sink accepted (or permanently rejected) a batch. Runs on its own thread.
 */
final class Shipper implements Runnable {

    private static final long IDLE_WAIT_NANOS = 1_000_000_000L;

    final String trail;
    final String sinkName;
    private final AuditSink sink;
    private final ReentrantLock sinkLock;
    private final long mask;
    private final Batching batching;
    private final RetryPolicy retryPolicy;
    private final Pipeline pipeline;
    private final MemoryJournal journal;

    final LongAdder recorded = new LongAdder();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final ConcurrentHashMap<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final AtomicLong unreportedEvictions = new AtomicLong();
    private volatile @Nullable Instant latestDeliveryTime;
    private volatile @Nullable Instant latestErrorTime;
    private volatile @Nullable String latestError;
    private volatile @Nullable String latestErrorCode;

    /** Next journal position to read. Guarded by the journal's lock. */
    private long readPosition;
    /** Everything before this position is delivered, dropped or not routed here. */
    private volatile long committedPosition;

    private volatile boolean finished;

    Shipper(
            String trail,
            String sinkName,
            AuditSink sink,
            ReentrantLock sinkLock,
            int bit,
            RetryPolicy retryPolicy,
            Pipeline pipeline,
            MemoryJournal journal) {
        this.trail = trail;
        this.sinkName = sinkName;
        this.sink = sink;
        this.sinkLock = sinkLock;
        this.mask = 1L << bit;
        this.batching = sink.batching();
        this.retryPolicy = retryPolicy;
        this.pipeline = pipeline;
        this.journal = journal;
    }

    long mask() {
        return mask;
    }

    long committedPosition() {
        return committedPosition;
    }

    boolean finished() {
        return finished;
    }

    @Override
    public void run() {
        List<MemoryJournal.Entry> batch = new ArrayList<>();
        try {
            while (true) {
                reportEvictions();
                batch.clear();
                long end = collect(batch);
                if (batch.isEmpty()) {
                    if (end < 0) {
                        break;
                    }
                    continue;
                }
                deliver(batch);
                committedPosition = end;
                pipeline.progressed();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            pipeline.warnings.warn(
                    "shipper-crash-" + trail + "/" + sinkName,
                    "ActionTrail: delivery to sink '" + sinkName + "' of trail '" + trail + "' stopped unexpectedly;"
                            + " undelivered events are counted as dropped at close",
                    e);
        } finally {
            reportEvictions();
            finished = true;
            pipeline.progressed();
        }
    }

    /**
     * Fills {@code batch} with the next entries routed here. Returns the journal position after the batch; with an
     * empty batch, a negative value means the pipeline is closing and there is nothing left to deliver.
     */
    private long collect(List<MemoryJournal.Entry> batch) throws InterruptedException {
        long lingerNanos = batching.linger().toNanos();
        long bytes = 0;
        journal.lock.lock();
        try {
            while (true) {
                long pos = Math.max(readPosition, journal.firstSeq());
                long next = journal.nextSeqLocked();
                boolean full = false;
                while (pos < next) {
                    if (batch.size() >= batching.maxEvents()) {
                        full = true;
                        break;
                    }
                    MemoryJournal.Entry entry = journal.get(pos);
                    if (entry != null && (entry.routes & mask) != 0) {
                        int size = entry.record.sizeInBytes();
                        if (!batch.isEmpty() && bytes + size > batching.maxBytes()) {
                            full = true;
                            break;
                        }
                        batch.add(entry);
                        bytes += size;
                    }
                    pos++;
                }
                readPosition = pos;
                if (batch.isEmpty()) {
                    committedPosition = pos;
                    if (pipeline.closing()) {
                        return -1;
                    }
                    pipeline.progressed();
                    journal.awaitIdle(IDLE_WAIT_NANOS);
                    continue;
                }
                if (full
                        || batch.size() >= batching.maxEvents()
                        || bytes >= batching.maxBytes()
                        || pipeline.closing()
                        || pipeline.flushRequestedUpTo() > batch.get(0).seq) {
                    return pos;
                }
                long wait = batch.get(0).appendNanos + lingerNanos - System.nanoTime();
                if (wait <= 0) {
                    return pos;
                }
                journal.awaitLinger(wait, batching.maxEvents() - batch.size(), batching.maxBytes() - bytes);
            }
        } finally {
            journal.lock.unlock();
        }
    }

    private void deliver(List<MemoryJournal.Entry> entries) throws InterruptedException {
        List<AuditRecord> records = new ArrayList<>(entries.size());
        for (MemoryJournal.Entry entry : entries) {
            records.add(entry.record);
        }
        AuditBatch batch = AuditBatch.of(records);
        int attempt = 0;
        while (true) {
            attempt++;
            Throwable error;
            String errorCode = null;
            boolean retryable;
            try {
                sinkLock.lock();
                try {
                    sink.write(batch);
                } finally {
                    sinkLock.unlock();
                }
                delivered(batch);
                return;
            } catch (DeliveryException e) {
                error = e;
                errorCode = e.errorCode();
                retryable = e.isRetryable();
            } catch (RuntimeException | LinkageError e) {
                // a bug in the sink, not in the batch: keep the batch and retry
                error = e;
                retryable = true;
            }
            String message = describe(error);
            Instant now = pipeline.clock.instant();
            latestError = message;
            latestErrorCode = errorCode;
            latestErrorTime = now;
            boolean giveUp = !retryable || pipeline.pastCloseDeadline();
            pipeline.notifyFailed(new DeliveryListener.Failed(
                    trail, sinkName, batch.size(), attempt, message, errorCode, !giveUp, now));
            if (!retryable) {
                drop(DeliveryListener.Dropped.REJECTED, batch.size(), "sink rejected the batch: " + message);
                return;
            }
            if (giveUp) {
                drop(
                        DeliveryListener.Dropped.SHUTDOWN,
                        batch.size(),
                        "not delivered before the shutdown timeout: " + message);
                return;
            }
            retries.incrementAndGet();
            reportEvictions(); // the loss must be heard while the sink is down, not only after it recovers
            pipeline.warnings.warn(
                    "delivery-" + trail + "/" + sinkName,
                    "ActionTrail: delivery to sink '" + sinkName + "' of trail '" + trail + "' failed (attempt "
                            + attempt + "), will retry; the batch stays queued: " + message);
            long backoff = retryPolicy
                    .backoff(attempt, ThreadLocalRandom.current().nextDouble())
                    .toNanos();
            if (!pipeline.sleep(backoff)) {
                drop(DeliveryListener.Dropped.SHUTDOWN, batch.size(), "not delivered before shutdown: " + message);
                throw new InterruptedException();
            }
        }
    }

    private void delivered(AuditBatch batch) {
        Instant now = pipeline.clock.instant();
        delivered.addAndGet(batch.size());
        latestDeliveryTime = now;
        pipeline.notifyDelivered(new DeliveryListener.Delivered(
                trail, sinkName, batch.size(), batch.sizeInBytes(), batch.firstEventId(), batch.lastEventId(), now));
    }

    /** Counts an entry the journal evicted before this shipper read it. Called under the journal's lock. */
    void evicted(MemoryJournal.Entry entry) {
        if (entry.seq >= readPosition) {
            dropped.computeIfAbsent(DeliveryListener.Dropped.CAPACITY, r -> new LongAdder())
                    .increment();
            unreportedEvictions.incrementAndGet();
        }
    }

    private void reportEvictions() {
        long count = unreportedEvictions.getAndSet(0);
        if (count > 0) {
            String detail = count + " events were evicted from the full in-memory journal before delivery";
            pipeline.notifyDropped(new DeliveryListener.Dropped(
                    trail, sinkName, count, DeliveryListener.Dropped.CAPACITY, detail, pipeline.clock.instant()));
            pipeline.warnings.warn(
                    "capacity-" + trail + "/" + sinkName,
                    "ActionTrail: sink '" + sinkName + "' of trail '" + trail + "' lost " + detail
                            + "; raise the journal capacity or fix the sink");
        }
    }

    /** Counts every entry routed here that was not read yet as dropped; called at close, after the thread ended. */
    void dropUnread(String reason, String detail) {
        long count = 0;
        journal.lock.lock();
        try {
            long next = journal.nextSeqLocked();
            for (long pos = Math.max(readPosition, journal.firstSeq()); pos < next; pos++) {
                MemoryJournal.Entry entry = journal.get(pos);
                if (entry != null && (entry.routes & mask) != 0) {
                    count++;
                }
            }
            readPosition = next;
        } finally {
            journal.lock.unlock();
        }
        if (count > 0) {
            drop(reason, count, detail);
        }
    }

    private void drop(String reason, long count, String detail) {
        dropped.computeIfAbsent(reason, r -> new LongAdder()).add(count);
        pipeline.notifyDropped(
                new DeliveryListener.Dropped(trail, sinkName, count, reason, detail, pipeline.clock.instant()));
        pipeline.warnings.warn(
                "drop-" + reason + "-" + trail + "/" + sinkName,
                "ActionTrail: dropped " + count + " events for sink '" + sinkName + "' of trail '" + trail + "' ("
                        + reason + "): " + detail);
    }

    TrailStatus.SinkStatus status() {
        Map<String, Long> drops = new HashMap<>();
        long droppedTotal = 0;
        for (Map.Entry<String, LongAdder> e : dropped.entrySet()) {
            long value = e.getValue().sum();
            drops.put(e.getKey(), value);
            droppedTotal += value;
        }
        long deliveredCount = delivered.get();
        long recordedCount = recorded.sum();
        Instant oldestPending = null;
        journal.lock.lock();
        try {
            long next = journal.nextSeqLocked();
            for (long pos = Math.max(committedPosition, journal.firstSeq()); pos < next; pos++) {
                MemoryJournal.Entry entry = journal.get(pos);
                if (entry != null && (entry.routes & mask) != 0) {
                    oldestPending = entry.record.eventTime();
                    break;
                }
            }
        } finally {
            journal.lock.unlock();
        }
        return new TrailStatus.SinkStatus(
                sinkName,
                recordedCount,
                deliveredCount,
                Math.max(0, recordedCount - deliveredCount - droppedTotal),
                drops,
                retries.get(),
                latestDeliveryTime,
                latestError,
                latestErrorCode,
                latestErrorTime,
                oldestPending,
                oldestPending == null ? null : Duration.between(oldestPending, pipeline.clock.instant()));
    }

    private static String describe(Throwable error) {
        String message = Failures.messageOf(error);
        String type = error instanceof DeliveryException ? "" : error.getClass().getSimpleName() + ": ";
        return type + (message == null ? error.getClass().getSimpleName() : message);
    }
}
