package io.actiontrail.internal.delivery;

import io.actiontrail.AuditEvent;
import io.actiontrail.DeliveryListener;
import io.actiontrail.Durability;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.JournalStatus;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.codec.LineFields;
import io.actiontrail.internal.integrity.IntegrityLog;
import io.actiontrail.internal.integrity.TrailLog;
import io.actiontrail.internal.journal.DiskJournal;
import io.actiontrail.internal.journal.Journal;
import io.actiontrail.internal.journal.JournalAggregation;
import io.actiontrail.internal.journal.JournalLookup;
import io.actiontrail.internal.journal.JournalSettings;
import io.actiontrail.internal.journal.MemoryJournal;
import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.trail.StartPosition;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.io.IOException;
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
 * and selects it, places each shipper at its persisted cursor or start position, and runs flush, lookup and close.
 * Thread-safe.
 *
 * <p>Over 500 lines: routing, placement and the flush and close protocols share the trails' state and its lock;
 * what a shipper needs of it is the narrow {@link ShipperHost}.
 */
@InternalApi
public final class Pipeline implements ShipperHost {

    /** One bit of an entry's route mask per shipper. */
    public static final int MAX_ROUTES = 64;

    private static final long LOOKUP_WRITE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    final Clock clock;
    final Warnings warnings;
    private final DeliveryListener listener;
    private final JournalSettings settings;
    private final Journal journal;
    private final CursorStore cursors;
    private final @Nullable IntegrityLog integrity;
    private final Map<String, TrailState> trails = new LinkedHashMap<>();
    private final List<Shipper> shippers = new ArrayList<>();
    private final Shipper[] byBit;
    private final List<Thread> threads = new ArrayList<>();
    private final IdentityHashMap<AuditSink, ReentrantLock> sinkLocks = new IdentityHashMap<>();

    /** The bits of the shippers whose trail is logging; changed under the journal's append lock. */
    private volatile long loggingMask;

    private final AtomicLong flushUpTo = new AtomicLong();
    private final Object progress = new Object();
    private final ReentrantLock sleepLock = new ReentrantLock();
    private final Condition wake = sleepLock.newCondition();
    private volatile boolean closing;
    private volatile long closeDeadlineNanos;

    /**
     * A trail, whether it is logging, and the journal ranges in which it was not. Thread-safe: the state a shipper
     * reads is volatile and replaced whole; the mask is set once while the pipeline is built.
     */
    public static final class TrailState {
        final Trail trail;
        final List<Shipper> shippers = new ArrayList<>();
        long mask;
        volatile boolean logging;
        volatile @Nullable Instant startLoggingTime;
        volatile @Nullable Instant stopLoggingTime;
        /** Ranges {@code [from, to)} of positions recorded while the trail was stopped; replaced, never mutated. */
        volatile List<long[]> stopped = List.of();

        TrailState(Trail trail) {
            this.trail = trail;
        }

        /** Whether the journaled event at {@code seq} goes to this trail: the decision of a line, not of an append. */
        boolean routes(long seq, LineFields fields) {
            for (long[] range : stopped) {
                if (seq >= range[0] && seq < range[1]) {
                    return false;
                }
            }
            return trail.selector()
                    .matches(
                            fields.eventName,
                            LineFields.enumOf(fields.eventRW, EventRW::fromWireName),
                            LineFields.enumOf(fields.eventType, EventType::fromWireName),
                            fields.resourceType);
        }
    }

    /**
     * Opens the journal and places every shipper.
     *
     * @throws IllegalStateException if the journal cannot be opened, for example because another process uses it
     */
    public Pipeline(
            JournalSettings settings,
            List<Trail> trailList,
            @Nullable Integrity integritySettings,
            Clock clock,
            DeliveryListener listener,
            Warnings warnings) {
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.warnings = warnings;
        // the one place that knows the kind of journal: everything below uses the Journal interface
        if (settings.durability() == Durability.MEMORY) {
            this.journal = new MemoryJournal(settings.overflowBytes(), this::evicted);
            this.cursors = CursorStore.none();
        } else {
            DiskJournal disk = new DiskJournal(settings, clock, warnings);
            try {
                this.cursors = new CursorStore(settings.dataDir());
            } catch (IOException | RuntimeException e) {
                disk.close();
                throw new IllegalStateException("cannot open the cursors in " + settings.dataDir() + ": " + e, e);
            }
            this.journal = disk;
        }
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
            trails.put(trail.name(), state);
            shippers.addAll(state.shippers);
        }
        this.byBit = bits.toArray(new Shipper[0]);
        try {
            place();
            IntegrityLog log = integritySettings == null
                    ? null
                    : new IntegrityLog(
                            journal, settings.dataDir(), settings.retention(), integritySettings, clock, warnings);
            if (log != null && integritySettings != null) {
                try {
                    openTrailLogs(settings, integritySettings, clock);
                } catch (RuntimeException e) {
                    log.close();
                    throw e;
                }
            }
            this.integrity = log;
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** Gives every shipper the Merkle log of what it sends its sink: one log per trail and sink. */
    private void openTrailLogs(JournalSettings settings, Integrity integritySettings, Clock clock) {
        for (Shipper shipper : shippers) {
            try {
                shipper.integrity(
                        TrailLog.open(
                                settings.dataDir(),
                                shipper.trail,
                                shipper.sinkName,
                                shipper.committedPosition(),
                                integritySettings,
                                clock,
                                message ->
                                        warnings.warn("trail-log-" + shipper.trail + "/" + shipper.sinkName, message)),
                        integritySettings.heartbeatInterval());
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot open the Merkle log of sink '" + shipper.sinkName + "' of trail '" + shipper.trail
                                + "': " + e.getMessage(),
                        e);
            }
        }
    }

    /** Sets each trail's logging state and each shipper's start: its cursor, else the trail's start position. */
    private void place() {
        long head = journal.nextSeq();
        Instant now = clock.instant();
        long mask = 0;
        for (TrailState state : trails.values()) {
            List<long[]> stopped = new ArrayList<>();
            if (!state.shippers.isEmpty()) {
                CursorStore.Cursor cursor = cursors.load(state.trail.name(), state.shippers.get(0).sinkName);
                if (cursor != null) {
                    for (long[] range : cursor.stopped()) {
                        // a range left open by the previous run ends where this run starts
                        stopped.add(new long[] {range[0], Math.min(range[1], head)});
                    }
                }
            }
            if (state.trail.startLogging()) {
                state.logging = true;
                state.startLoggingTime = now;
                mask |= state.mask;
            } else {
                stopped.add(new long[] {head, Long.MAX_VALUE});
            }
            state.stopped = List.copyOf(stopped);
        }
        loggingMask = mask;
        Journal d = journal;
        d.lineRouter(this::routeLine);
        CursorStore c = cursors;
        for (TrailState state : trails.values()) {
            for (Shipper shipper : state.shippers) {
                CursorStore.Cursor cursor = c.load(state.trail.name(), shipper.sinkName);
                long position;
                if (cursor != null) {
                    position = cursor.position();
                    if (position < d.firstSeq()) {
                        warnings.warn(
                                "cursor-behind-" + shipper.trail + "/" + shipper.sinkName,
                                "ActionTrail: sink '" + shipper.sinkName + "' of trail '" + shipper.trail + "' resumes"
                                        + " at journal position " + d.firstSeq() + ", but its cursor was at " + position
                                        + ": those events were deleted (retention, quota or by hand) before delivery");
                        position = d.firstSeq();
                    }
                    position = Math.min(position, head);
                } else {
                    StartPosition start = state.trail.startFrom();
                    Instant time = start.time();
                    if (start.isEarliest()) {
                        position = d.firstSeq();
                    } else if (time != null) {
                        position = d.firstAtOrAfter(time.toEpochMilli());
                    } else {
                        position = head;
                    }
                }
                shipper.startAt(position);
                persistCursor(shipper, position);
                d.register(shipper);
            }
        }
        long[] backlog = d.countBacklog(shippers);
        for (int i = 0; i < backlog.length; i++) {
            shippers.get(i).recorded.add(backlog[i]);
        }
    }

    public void start(ThreadFactory threadFactory) {
        journal.start(threadFactory);
        if (integrity != null) {
            integrity.start(threadFactory);
        }
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

    /**
     * Appends an event, routed to every logging trail that selects it and encoded by {@code encoding} now or by the
     * journal's writer; in {@link Durability#SYNC} mode, returns once it is fsynced. Returns {@code false} if the
     * journal could not take it.
     */
    public boolean append(AuditEvent event, Journal.Encoding encoding) {
        long selected = 0;
        for (TrailState state : trails.values()) {
            if (state.trail.selector().matches(event)) {
                selected |= state.mask;
            }
        }
        long finalSelected = selected;
        long seq = journal.append(event, encoding, position -> {
            long routes = finalSelected & loggingMask;
            long bits = routes;
            while (bits != 0) {
                int bit = Long.numberOfTrailingZeros(bits);
                byBit[bit].recorded.increment();
                bits &= bits - 1;
            }
            return routes;
        });
        if (seq < 0) {
            return false;
        }
        if (settings.durability() == Durability.SYNC) {
            journal.awaitDurable(seq);
        }
        return true;
    }

    /**
     * Routes a journaled line as {@link #append} routed its event: the shippers of every trail that selects it and was
     * logging at its position. For events an earlier process appended, and those whose bits the journal let go of.
     */
    private long routeLine(long seq, LineFields fields) {
        long bits = 0;
        for (TrailState state : trails.values()) {
            if (state.routes(seq, fields)) {
                bits |= state.mask;
            }
        }
        return bits;
    }

    private void evicted(Journal.Entry entry) {
        long bits = entry.routes;
        while (bits != 0) {
            int bit = Long.numberOfTrailingZeros(bits);
            byBit[bit].evicted(entry);
            bits &= bits - 1;
        }
    }

    /** Starts or stops a trail at the journal's head, so that routing and the persisted ranges agree exactly. */
    public void setLogging(TrailState state, boolean logging) {
        boolean[] changed = {false};
        journal.atHead(next -> {
            if (state.logging == logging) {
                return;
            }
            List<long[]> ranges = new ArrayList<>(state.stopped);
            if (logging) {
                for (int i = 0; i < ranges.size(); i++) {
                    long[] range = ranges.get(i);
                    if (range[1] == Long.MAX_VALUE) {
                        ranges.set(i, new long[] {range[0], next});
                    }
                }
                loggingMask |= state.mask;
                state.startLoggingTime = clock.instant();
            } else {
                ranges.add(new long[] {next, Long.MAX_VALUE});
                loggingMask &= ~state.mask;
                state.stopLoggingTime = clock.instant();
            }
            state.stopped = List.copyOf(ranges);
            state.logging = logging;
            changed[0] = true;
        });
        if (changed[0]) {
            for (Shipper shipper : state.shippers) {
                persistCursor(shipper, shipper.committedPosition());
            }
        }
    }

    /** Persists a shipper's cursor, with a disk journal; a failure costs duplicates after a restart, nothing else. */
    @Override
    public void persistCursor(Shipper shipper, long position) {
        CursorStore c = cursors;
        TrailState state = trails.get(shipper.trail);
        try {
            c.save(shipper.trail, shipper.sinkName, position, state == null ? List.of() : state.stopped);
        } catch (IOException | RuntimeException e) {
            warnings.warn(
                    "cursor-" + shipper.trail + "/" + shipper.sinkName,
                    "ActionTrail: cannot persist the cursor of sink '" + shipper.sinkName + "' of trail '"
                            + shipper.trail + "'; after a restart, delivered events may be delivered again",
                    e);
        }
    }

    @Nullable
    public TrailState trail(String name) {
        return trails.get(name);
    }

    public List<Trail> trails() {
        List<Trail> out = new ArrayList<>(trails.size());
        for (TrailState state : trails.values()) {
            out.add(state.trail);
        }
        return out;
    }

    public TrailStatus status(TrailState state) {
        List<TrailStatus.SinkStatus> sinks = new ArrayList<>(state.shippers.size());
        for (Shipper shipper : state.shippers) {
            sinks.add(shipper.status());
        }
        return new TrailStatus(state.trail.name(), state.logging, state.startLoggingTime, state.stopLoggingTime, sinks);
    }

    public JournalStatus journalStatus() {
        return journal.status();
    }

    public LookupResult lookup(LookupQuery query) {
        try {
            // read your writes: what was recorded before the lookup is written within milliseconds
            journal.awaitHead(journal.nextSeq(), LOOKUP_WRITE_WAIT_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new JournalLookup(journal, clock, settings.retention()).lookup(query);
    }

    public AggregationResult aggregate(Aggregation aggregation) {
        try {
            journal.awaitHead(journal.nextSeq(), LOOKUP_WRITE_WAIT_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new JournalAggregation(journal, clock, settings.retention()).aggregate(aggregation);
    }

    /** Returns the journal, for the engines that read what it wrote (insights). */
    public Journal journal() {
        return journal;
    }

    /** Returns the journal's Merkle log, or {@code null} without tamper evidence. */
    public @Nullable IntegrityLog integrity() {
        return integrity;
    }

    /** Returns the journal position of the event with this id, newest first, or -1 if the journal holds none. */
    public long positionOf(String eventId) {
        try {
            journal.awaitHead(journal.nextSeq(), LOOKUP_WRITE_WAIT_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LookupQuery query = LookupQuery.builder()
                .startTime(Instant.EPOCH)
                .endTime(Instant.parse("9999-12-31T00:00:00Z"))
                .is(Attribute.EVENT_ID, eventId)
                .build();
        long[] found = {-1};
        journal.lookup(
                journal.firstSeq(),
                journal.nextSeq(),
                Long.MIN_VALUE,
                Long.MAX_VALUE,
                query,
                true,
                (seq, utf8, offset, length) -> {
                    AuditRecord record = LineFields.record(utf8, offset, length);
                    if (record != null && record.eventId().equals(eventId)) {
                        found[0] = seq;
                        return false;
                    }
                    return true;
                });
        return found[0];
    }

    /** Returns how many journal lines lookups have visited; for tests of the time index. */
    public long linesScannedByLookups() {
        return journal.linesScanned();
    }

    /** Applies retention and quota now; the writer also does it every minute and at each roll. */
    public void maintain() {
        journal.maintain();
    }

    @Override
    public boolean closing() {
        return closing;
    }

    @Override
    public boolean pastCloseDeadline() {
        return closing && System.nanoTime() - closeDeadlineNanos >= 0;
    }

    @Override
    public long flushRequestedUpTo() {
        return flushUpTo.get();
    }

    /** Called by shippers after their committed position moved. */
    @Override
    public void progressed() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Waits until every shipper has delivered (or given up) everything appended before the call. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long target = journal.nextSeq();
        long deadline = System.nanoTime() + timeout.toNanos();
        // let the writer publish everything first, so that lingering batches go out whole, not cut at the flush
        journal.awaitHead(target, Math.max(0, deadline - System.nanoTime()));
        flushUpTo.accumulateAndGet(target, Math::max);
        journal.wakeAll();
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
    @Override
    public boolean sleep(long nanos) {
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
     * Delivers what can be delivered within the timeout, then stops the shippers and closes the journal and every
     * sink once. With a disk journal, what was not delivered stays there for the next start; with the memory
     * journal, it is counted as dropped.
     */
    public void close(Duration timeout) {
        closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
        try {
            // let the writer hand the shippers what was recorded before close
            journal.awaitHead(journal.nextSeq(), Math.max(0, closeDeadlineNanos - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closing = true;
        journal.releaseReaders();
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
            persistCursor(shipper, shipper.committedPosition());
            long lost = journal.discardUnread(shipper);
            if (lost > 0) {
                shipper.dropUnread(
                        lost,
                        DeliveryListener.Dropped.SHUTDOWN,
                        "not delivered before shutdown; the in-memory journal does not outlive the process");
            }
        }
        if (integrity != null) {
            // the log's last checkpoint covers every event: the writer fsyncs what it holds, the log hashes it
            long end = journal.nextSeq();
            if (end > journal.firstSeq()) {
                journal.awaitDurable(end - 1);
            }
            integrity.close();
        }
        journal.close();
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

    @Override
    public void notifyDelivered(DeliveryListener.Delivered delivered) {
        try {
            listener.onDelivered(delivered);
        } catch (RuntimeException e) {
            warnings.warn("listener", "ActionTrail: a DeliveryListener threw", e);
        }
    }

    @Override
    public void notifyFailed(DeliveryListener.Failed failed) {
        try {
            listener.onFailed(failed);
        } catch (RuntimeException e) {
            warnings.warn("listener", "ActionTrail: a DeliveryListener threw", e);
        }
    }

    @Override
    public void notifyDropped(DeliveryListener.Dropped dropped) {
        try {
            listener.onDropped(dropped);
        } catch (RuntimeException e) {
            warnings.warn("listener", "ActionTrail: a DeliveryListener threw", e);
        }
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public Warnings warnings() {
        return warnings;
    }
}
