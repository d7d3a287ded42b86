package io.actiontrail.internal.delivery;

import io.actiontrail.DeliveryListener;
import io.actiontrail.internal.Failures;
import io.actiontrail.internal.integrity.TrailLog;
import io.actiontrail.internal.journal.Journal;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Feeds one sink of one trail from the journal: reads the entries routed to it in order, groups them by the sink's
 * {@link Batching}, and delivers each batch until the sink accepts it, backing off between attempts. Its position
 * in the journal advances, and is persisted with a disk journal, only after the sink accepted (or permanently
 * rejected) a batch. Runs on its own thread.
 */
final class Shipper implements Runnable, Journal.Reader {

    private static final long IDLE_WAIT_NANOS = 1_000_000_000L;
    private static final long SKIP_PERSIST_NANOS = 1_000_000_000L;
    private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    final String trail;
    final String sinkName;
    private final AuditSink sink;
    private final ReentrantLock sinkLock;
    private final long mask;
    private final Batching batching;
    private final RetryPolicy retryPolicy;
    private final ShipperHost host;
    private final Journal journal;

    final LongAdder recorded = new LongAdder();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final ConcurrentHashMap<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final AtomicLong unreportedEvictions = new AtomicLong();
    private volatile @Nullable Instant latestDeliveryTime;
    private volatile @Nullable Instant latestErrorTime;
    private volatile @Nullable String latestError;
    private volatile @Nullable String latestErrorCode;

    /** Next journal position to read; moved by the journal under its reader discipline. */
    private volatile long readPosition;
    /** Everything before this position is delivered, dropped or not routed here. */
    private volatile long committedPosition;

    private volatile boolean finished;

    /** The trail's Merkle log for this sink and its checkpoints, when the trail has tamper evidence. */
    private @Nullable ShipperEvidence evidence;

    private long lastPersistNanos = System.nanoTime();

    Shipper(
            String trail,
            String sinkName,
            AuditSink sink,
            ReentrantLock sinkLock,
            int bit,
            RetryPolicy retryPolicy,
            ShipperHost host,
            Journal journal) {
        this.trail = trail;
        this.sinkName = sinkName;
        this.sink = sink;
        this.sinkLock = sinkLock;
        this.mask = 1L << bit;
        this.batching = sink.batching();
        this.retryPolicy = retryPolicy;
        this.host = host;
        this.journal = journal;
    }

    @Override
    public long mask() {
        return mask;
    }

    @Override
    public long readPosition() {
        return readPosition;
    }

    @Override
    public void readPosition(long position) {
        this.readPosition = position;
    }

    /**
     * Gives this shipper the Merkle log of what it sends, before its thread runs: each batch then carries a signed
     * checkpoint covering it, and an idle sink gets a heartbeat checkpoint every {@code heartbeat}.
     */
    void integrity(TrailLog trailLog, Duration heartbeat) {
        this.evidence = new ShipperEvidence(
                trailLog, heartbeat, this, sink, sinkLock, retryPolicy, host, journal, Shipper::describe);
    }

    /** Sets where this shipper starts, before its thread runs. */
    void startAt(long position) {
        this.readPosition = position;
        this.committedPosition = position;
    }

    long committedPosition() {
        return committedPosition;
    }

    boolean finished() {
        return finished;
    }

    @Override
    public void run() {
        List<Journal.Entry> batch = new ArrayList<>();
        try {
            while (true) {
                reportEvictions();
                batch.clear();
                long end = collect(batch);
                if (batch.isEmpty()) {
                    if (end < 0) {
                        if (evidence != null) {
                            evidence.checkpointOnly(true); // a clean stop, with everything delivered
                        }
                        break;
                    }
                    continue;
                }
                if (!deliver(batch)) {
                    break; // closing: the batch stays in the journal for the next start
                }
                if (evidence != null) {
                    evidence.delivered();
                }
                commit(end, true);
                if (host.pastCloseDeadline()) {
                    break; // what is left stays in the journal, or is counted as dropped with the memory journal
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            host.warnings()
                    .warn(
                            "shipper-crash-" + trail + "/" + sinkName,
                            "ActionTrail: delivery to sink '" + sinkName + "' of trail '" + trail
                                    + "' stopped unexpectedly;" + " undelivered events stay pending",
                            e);
        } finally {
            reportEvictions();
            finished = true;
            host.progressed();
        }
    }

    /**
     * Moves the committed position. After a delivery the cursor is persisted at once; a move past events not routed
     * here is persisted at most once a second, since replaying it after a crash delivers nothing twice.
     */
    private void commit(long position, boolean delivered) {
        if (position <= committedPosition) {
            return;
        }
        committedPosition = position;
        long now = System.nanoTime();
        if (delivered || now - lastPersistNanos >= SKIP_PERSIST_NANOS) {
            lastPersistNanos = now;
            host.persistCursor(this, position);
        }
        host.progressed();
    }

    /**
     * Fills {@code batch} with the next entries routed here. Returns the journal position after the batch; with an
     * empty batch, a negative value means the pipeline is closing and there is nothing left to deliver.
     */
    private long collect(List<Journal.Entry> batch) throws InterruptedException {
        long lingerNanos = batching.linger().toNanos();
        long bytes = 0;
        long lingerStart = 0;
        while (true) {
            // read the flush target before the journal: a flush asks for everything published before it
            long flushTarget = host.flushRequestedUpTo();
            Journal.Read read = journal.read(this, batching.maxEvents() - batch.size(), remaining(bytes), batch);
            long pos = read.next();
            if (batch.isEmpty()) {
                commit(pos, false);
                if (host.closing()) {
                    return -1;
                }
                host.progressed();
                if (evidence != null) {
                    evidence.heartbeatIfDue();
                }
                journal.awaitData(pos, IDLE_WAIT_NANOS);
                continue;
            }
            if (lingerStart == 0) {
                lingerStart = Math.max(batch.get(0).readyNanos, 1);
            }
            bytes = 0;
            for (Journal.Entry entry : batch) {
                bytes += entry.record.sizeInBytes();
            }
            if (read.full() || batch.size() >= batching.maxEvents() || bytes >= batching.maxBytes() || host.closing()) {
                return pos;
            }
            if (flushTarget > batch.get(0).seq) {
                if (pos >= flushTarget || pos >= journal.head()) {
                    return pos;
                }
                continue; // a flush wants what was published meanwhile in this batch too
            }
            if (host.flushRequestedUpTo() > batch.get(0).seq) {
                continue; // a flush arrived during the read: read again with its target
            }
            long wait = lingerStart + lingerNanos - System.nanoTime();
            if (wait <= 0) {
                return pos;
            }
            journal.awaitLinger(pos, wait, batching.maxEvents() - batch.size(), batching.maxBytes() - bytes);
        }
    }

    private long remaining(long bytes) {
        return Math.max(1, batching.maxBytes() - bytes);
    }

    /** Delivers a batch; returns {@code false} if the shipper is to stop and leave the batch in the journal. */
    private boolean deliver(List<Journal.Entry> entries) throws InterruptedException {
        List<AuditRecord> records = new ArrayList<>(entries.size());
        for (Journal.Entry entry : entries) {
            records.add(entry.record);
        }
        AuditBatch batch = AuditBatch.of(records);
        if (evidence != null) {
            AuditBatch stamped = evidence.stamp(batch, entries);
            if (stamped == null) {
                return false; // closing: the batch stays in the journal for the next start
            }
            batch = stamped;
        }
        boolean keepsBacklog = !journal.volatileStorage();
        int attempt = 0;
        while (true) {
            attempt++;
            Throwable error;
            String errorCode = null;
            Duration retryAfter = null;
            boolean retryable;
            try {
                sinkLock.lock();
                try {
                    sink.write(batch);
                } finally {
                    sinkLock.unlock();
                }
                delivered(batch);
                return true;
            } catch (DeliveryException e) {
                error = e;
                errorCode = e.errorCode();
                retryAfter = e.retryAfter();
                retryable = e.isRetryable();
            } catch (RuntimeException | LinkageError e) {
                // a bug in the sink, not in the batch: keep the batch and retry
                error = e;
                retryable = true;
            }
            String message = describe(error);
            Instant now = host.now();
            latestError = message;
            latestErrorCode = errorCode;
            latestErrorTime = now;
            // what the failure says was delivered or refused is settled now; the rest is what retries or drops
            AuditBatch rest = error instanceof DeliveryException e ? settle(batch, e) : batch;
            boolean giveUp = rest == null || !retryable || host.pastCloseDeadline();
            host.notifyFailed(new DeliveryListener.Failed(
                    trail,
                    sinkName,
                    rest == null ? batch.size() : rest.size(),
                    attempt,
                    message,
                    errorCode,
                    !giveUp,
                    now));
            if (rest == null) {
                return true; // every event is delivered or refused: nothing is left to try
            }
            batch = rest;
            if (!retryable) {
                drop(DeliveryListener.Dropped.REJECTED, batch.size(), "sink rejected the batch: " + message);
                return true;
            }
            if (giveUp) {
                if (keepsBacklog) {
                    return false;
                }
                drop(
                        DeliveryListener.Dropped.SHUTDOWN,
                        batch.size(),
                        "not delivered before the shutdown timeout: " + message);
                return true;
            }
            retries.incrementAndGet();
            reportEvictions(); // the loss must be heard while the sink is down, not only after it recovers
            host.warnings()
                    .warn(
                            "delivery-" + trail + "/" + sinkName,
                            "ActionTrail: delivery to sink '" + sinkName + "' of trail '" + trail + "' failed (attempt "
                                    + attempt + "), will retry; the batch stays queued: " + message);
            long backoff = retryWait(
                            retryPolicy.backoff(
                                    attempt, ThreadLocalRandom.current().nextDouble()),
                            retryAfter)
                    .toNanos();
            if (!host.sleep(backoff)) {
                if (!keepsBacklog) {
                    drop(DeliveryListener.Dropped.SHUTDOWN, batch.size(), "not delivered before shutdown: " + message);
                }
                throw new InterruptedException();
            }
        }
    }

    /** The wait before the next attempt: the policy's backoff, or longer when the destination asked for longer. */
    static Duration retryWait(Duration backoff, @Nullable Duration retryAfter) {
        if (retryAfter == null || retryAfter.compareTo(backoff) <= 0) {
            return backoff;
        }
        // a day is longer than any sane Retry-After and keeps the wait far from overflowing nanoseconds
        return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
    }

    /**
     * Counts what a failed write settled, event by event: the events the sink says it delivered, and the ones it
     * refuses for their content (dropped, reason {@code rejected}). Returns the rest of the batch, what is retried or
     * dropped by the failure itself, or {@code null} when nothing is left.
     */
    private @Nullable AuditBatch settle(AuditBatch batch, DeliveryException e) {
        if (e.delivered().isEmpty() && e.refused().isEmpty()) {
            return batch;
        }
        List<AuditRecord> took = new ArrayList<>();
        Set<String> rest = new HashSet<>();
        long refused = 0;
        for (AuditRecord record : batch.records()) {
            if (e.delivered().contains(record.eventId())) {
                took.add(record);
            } else if (e.refused().contains(record.eventId())) {
                refused++;
            } else {
                rest.add(record.eventId());
            }
        }
        if (!took.isEmpty()) {
            delivered(AuditBatch.of(took));
        }
        if (refused > 0) {
            drop(
                    DeliveryListener.Dropped.REJECTED,
                    refused,
                    "the sink refused " + refused + " of " + batch.size() + " events for their content: "
                            + describe(e));
        }
        // the rest keeps the batch's checkpoint and leaf indexes: it is the same part of the trail's log
        return rest.isEmpty() ? null : batch.only(rest);
    }

    private void delivered(AuditBatch batch) {
        Instant now = host.now();
        delivered.addAndGet(batch.size());
        latestDeliveryTime = now;
        host.notifyDelivered(new DeliveryListener.Delivered(
                trail, sinkName, batch.size(), batch.sizeInBytes(), batch.firstEventId(), batch.lastEventId(), now));
    }

    /** Counts an entry the memory journal evicted before this shipper read it. Called under the journal's lock. */
    void evicted(Journal.Entry entry) {
        if (entry.seq >= readPosition) {
            dropped.computeIfAbsent(DeliveryListener.Dropped.CAPACITY, r -> new LongAdder())
                    .increment();
            unreportedEvictions.incrementAndGet();
        }
    }

    @Override
    public void lost(long events, String reason, String detail) {
        // the journal moved the read position past the deleted events; the committed position follows on the next read
        drop(reason, events, detail);
    }

    private void reportEvictions() {
        long count = unreportedEvictions.getAndSet(0);
        if (count > 0) {
            String detail = count + " events were evicted from the full in-memory journal before delivery";
            host.notifyDropped(new DeliveryListener.Dropped(
                    trail, sinkName, count, DeliveryListener.Dropped.CAPACITY, detail, host.now()));
            host.warnings()
                    .warn(
                            "capacity-" + trail + "/" + sinkName,
                            "ActionTrail: sink '" + sinkName + "' of trail '" + trail + "' lost " + detail
                                    + "; raise the journal capacity or fix the sink");
        }
    }

    /**
     * Counts every entry routed here that was not read yet as dropped; called at close, after the thread ended, for
     * the memory journal, which does not outlive the process.
     */
    /** Counts events the journal discarded unread at close as dropped, and reports them. */
    void dropUnread(long count, String reason, String detail) {
        drop(reason, count, detail);
    }

    private void drop(String reason, long count, String detail) {
        dropped.computeIfAbsent(reason, r -> new LongAdder()).add(count);
        host.notifyDropped(new DeliveryListener.Dropped(trail, sinkName, count, reason, detail, host.now()));
        host.warnings()
                .warn(
                        "drop-" + reason + "-" + trail + "/" + sinkName,
                        "ActionTrail: dropped " + count + " events for sink '" + sinkName + "' of trail '" + trail
                                + "' (" + reason + "): " + detail);
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
        long pending = Math.max(0, recordedCount - deliveredCount - droppedTotal);
        Instant oldestPending = pending == 0 ? null : journal.oldestRouted(this, committedPosition);
        return new TrailStatus.SinkStatus(
                sinkName,
                recordedCount,
                deliveredCount,
                pending,
                drops,
                retries.get(),
                latestDeliveryTime,
                latestError,
                latestErrorCode,
                latestErrorTime,
                oldestPending,
                oldestPending == null ? null : age(oldestPending));
    }

    /** How long ago an event happened; zero for an event time ahead of the clock. */
    private Duration age(Instant eventTime) {
        Duration age = Duration.between(eventTime, host.now());
        return age.isNegative() ? Duration.ZERO : age;
    }

    private static String describe(Throwable error) {
        String message = Failures.messageOf(error);
        String type = error instanceof DeliveryException ? "" : error.getClass().getSimpleName() + ": ";
        return type + (message == null ? error.getClass().getSimpleName() : message);
    }
}
