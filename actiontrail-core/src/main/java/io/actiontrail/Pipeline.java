package io.actiontrail;

import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The journal, the trails and their shippers: routes each appended event to the shippers whose trail is logging
 * and selects it, and runs flush and close. Thread-safe.
 */
final class Pipeline {

    /** One bit of an entry's route mask per shipper. */
    static final int MAX_ROUTES = 64;

    final Clock clock;
    final Warnings warnings;
    private final DeliveryListener listener;
    private final MemoryJournal journal;
    private final Map<String, TrailState> trails = new LinkedHashMap<>();
    private final List<Shipper> shippers = new ArrayList<>();
    private final Shipper[] byBit;
    private final List<Thread> threads = new ArrayList<>();
    private final IdentityHashMap<AuditSink, ReentrantLock> sinkLocks = new IdentityHashMap<>();

    private final AtomicLong flushUpTo = new AtomicLong();
    private final Object progress = new Object();
    private final ReentrantLock sleepLock = new ReentrantLock();
    private final Condition wake = sleepLock.newCondition();
    private volatile boolean closing;
    private volatile long closeDeadlineNanos;

    /** A trail and whether it is logging. */
    static final class TrailState {
        final Trail trail;
        final List<Shipper> shippers = new ArrayList<>();
        long mask;
        volatile boolean logging;
        volatile @Nullable Instant startLoggingTime;
        volatile @Nullable Instant stopLoggingTime;

        TrailState(Trail trail) {
            this.trail = trail;
        }
    }

    Pipeline(List<Trail> trailList, long memoryCapacity, Clock clock, DeliveryListener listener, Warnings warnings) {
        this.clock = clock;
        this.listener = listener;
        this.warnings = warnings;
        this.journal = new MemoryJournal(memoryCapacity, this::evicted);
        List<Shipper> bits = new ArrayList<>();
        for (Trail trail : trailList) {
            TrailState state = new TrailState(trail);
            for (Map.Entry<String, AuditSink> sink : trail.sinks().entrySet()) {
                ReentrantLock lock = sinkLocks.computeIfAbsent(sink.getValue(), s -> new ReentrantLock());
                Shipper shipper = new Shipper(
                        trail.name(),
                        sink.getKey(),
                        sink.getValue(),
                        lock,
                        bits.size(),
                        trail.retryPolicy(),
                        this,
                        journal);
                bits.add(shipper);
                state.shippers.add(shipper);
                state.mask |= shipper.mask();
            }
            if (trail.startLogging()) {
                state.logging = true;
                state.startLoggingTime = clock.instant();
            }
            trails.put(trail.name(), state);
            shippers.addAll(state.shippers);
        }
        this.byBit = bits.toArray(new Shipper[0]);
    }

    void start(ThreadFactory threadFactory) {
        for (Shipper shipper : shippers) {
            Thread thread = threadFactory.newThread(shipper);
            if (thread == null) {
                throw new IllegalStateException(
                        "threadFactory returned null for shipper " + shipper.trail + "/" + shipper.sinkName);
            }
            thread.setName("actiontrail-" + shipper.trail + "-" + shipper.sinkName);
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.start();
        }
    }

    /** Appends an encoded event, routed to every logging trail that selects it. */
    void append(AuditEvent event, AuditRecord record) {
        long routes = 0;
        for (TrailState state : trails.values()) {
            if (state.logging && state.trail.selector().matches(event)) {
                routes |= state.mask;
            }
        }
        long finalRoutes = routes;
        journal.append(record, routes, () -> {
            long bits = finalRoutes;
            while (bits != 0) {
                int bit = Long.numberOfTrailingZeros(bits);
                byBit[bit].recorded.increment();
                bits &= bits - 1;
            }
        });
    }

    private void evicted(MemoryJournal.Entry entry) {
        long bits = entry.routes;
        while (bits != 0) {
            int bit = Long.numberOfTrailingZeros(bits);
            byBit[bit].evicted(entry);
            bits &= bits - 1;
        }
    }

    @Nullable
    TrailState trail(String name) {
        return trails.get(name);
    }

    List<Trail> trails() {
        List<Trail> out = new ArrayList<>(trails.size());
        for (TrailState state : trails.values()) {
            out.add(state.trail);
        }
        return out;
    }

    TrailStatus status(TrailState state) {
        List<TrailStatus.SinkStatus> sinks = new ArrayList<>(state.shippers.size());
        for (Shipper shipper : state.shippers) {
            sinks.add(shipper.status());
        }
        return new TrailStatus(state.trail.name(), state.logging, state.startLoggingTime, state.stopLoggingTime, sinks);
    }

    boolean closing() {
        return closing;
    }

    boolean pastCloseDeadline() {
        return closing && System.nanoTime() - closeDeadlineNanos >= 0;
    }

    long flushRequestedUpTo() {
        return flushUpTo.get();
    }

    /** Called by shippers after their committed position moved. */
    void progressed() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Waits until every shipper has delivered (or given up) everything appended before the call. */
    boolean flush(Duration timeout) throws InterruptedException {
        long target = journal.nextSeq();
        flushUpTo.accumulateAndGet(target, Math::max);
        journal.wakeAll();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!caughtUp(target)) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, Math.min(remaining, 50_000_000L));
            }
        }
        return true;
    }

    private boolean caughtUp(long target) {
        for (Shipper shipper : shippers) {
            if (!shipper.finished() && shipper.committedPosition() < target) {
                return false;
            }
        }
        return true;
    }

    /** Sleeps for a backoff; returns early when closing starts. Returns false if interrupted. */
    boolean sleep(long nanos) {
        sleepLock.lock();
        try {
            long remaining = nanos;
            while (remaining > 0) {
                if (closing) {
                    remaining = Math.min(remaining, closeDeadlineNanos - System.nanoTime());
                    if (remaining <= 0) {
                        return true;
                    }
                }
                remaining = wake.awaitNanos(remaining);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            sleepLock.unlock();
        }
    }

    /**
     * Delivers what can be delivered within the timeout, then stops the shippers, counts what was left as dropped
     * (the memory journal does not outlive the process) and closes every sink once.
     */
    void close(Duration timeout) {
        closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
        closing = true;
        journal.wakeAll();
        sleepLock.lock();
        try {
            wake.signalAll();
        } finally {
            sleepLock.unlock();
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            try {
                long remaining = closeDeadlineNanos - System.nanoTime();
                if (remaining > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
                }
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(1000);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (Shipper shipper : shippers) {
            shipper.dropUnread(
                    DeliveryListener.Dropped.SHUTDOWN,
                    "not delivered before shutdown; the in-memory journal does not outlive the process");
        }
        for (AuditSink sink : sinkLocks.keySet()) {
            try {
                sink.close();
            } catch (RuntimeException | LinkageError e) {
                warnings.warn("sink-close-" + sink.name(), "ActionTrail: closing sink '" + sink.name() + "' failed", e);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    void notifyDelivered(DeliveryListener.Delivered delivered) {
        try {
            listener.onDelivered(delivered);
        } catch (RuntimeException e) {
            warnings.warn("listener", "ActionTrail: a DeliveryListener threw", e);
        }
    }

    void notifyFailed(DeliveryListener.Failed failed) {
        try {
            listener.onFailed(failed);
        } catch (RuntimeException e) {
            warnings.warn("listener", "ActionTrail: a DeliveryListener threw", e);
        }
    }

    void notifyDropped(DeliveryListener.Dropped dropped) {
        try {
            listener.onDropped(dropped);
        } catch (RuntimeException e) {
            warnings.warn("listener", "ActionTrail: a DeliveryListener threw", e);
        }
    }
}
