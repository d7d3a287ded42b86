package io.actiontrail.internal.insights;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.insights.CounterKey;
import io.actiontrail.insights.CounterSeries;
import io.actiontrail.insights.InsightNotice;
import io.actiontrail.insights.InsightType;
import io.actiontrail.insights.Insights;
import io.actiontrail.insights.InsightsStatus;
import io.actiontrail.internal.Files2;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.codec.LineFields;
import io.actiontrail.internal.journal.Journal;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The insights engine. The journal hands it each written batch of events ({@link Journal.Tap}) into a bounded
 * hand-over of batches; its own daemon thread counts them into the {@link KeyTable} by position, reading the journal's
 * lines back ({@link LineFields}) for any batch it did not get (the hand-over was full, or the events were written
 * before this start), so that no event is skipped silently. At each closed minute it writes the rollups, applies the
 * {@link Detector}, and records insight events through the façade's {@code record}; at each UTC midnight it
 * recomputes the baselines from the last 7 days of per-minute rollups. Its state (counters, baselines, open insights,
 * the journal position counted) is saved atomically every five minutes and at close; after a restart it counts the
 * journal from that position in replay mode (no events recorded; the insight events found in the journal say which
 * insights are open) and then reconciles, so that each insight has exactly one {@code Start} and one {@code End}.
 *
 * <p>Thread-safe: counting, minute closes and queries run under one lock; the tap only queues.
 *
 * <p>Over 500 lines on purpose: counting, the minute close, replay and reconciliation share the open insights and the
 * key table, whose invariants stay readable in one class; the storage parts live in {@link KeyTable},
 * {@link Rollups}, {@link InsightStateFile} and {@link Attributions}.
 */
@InternalApi
public final class InsightEngine implements Journal.Tap {

    /** The grace after a minute's end before the clock closes it, for events still in the journal's queue. */
    static final long GRACE_MILLIS = 2_000;

    /**
     * The most batches and events the hand-over holds before it drops batches (read back from the journal). The
     * hand-over keeps the events' objects, arguments and all, so it is bounded like the journal writer's own queue:
     * a few thousand events, not a burst's worth (a million events of 1 KB held 50 MB of heap behind a lagging
     * insights thread in OutageIT).
     */
    static final int MAX_BATCHES = 1024;

    static final int MAX_QUEUED_EVENTS = 16_384;

    private static final long SAVE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final int MAX_NAMES = 100_000;
    private static final int MAX_IPS = 100_000;
    private static final byte PASSWORD = 1;
    private static final byte POLICY = 2;
    private static final UserIdentity IDENTITY = UserIdentity.system("actiontrail-insights");

    /** Where an insight event goes: the façade's {@code record}. Called from one thread at a time: the insights thread. */
    public interface Recorder {
        void record(AuditEvent event);
    }

    private final Insights settings;
    private final Detector detector;
    private final Clock clock;
    private final @Nullable Journal journal;
    private final @Nullable Path dir;
    private final Recorder recorder;
    private final Consumer<InsightNotice> listener;
    private final Warnings warnings;
    private final @Nullable Supplier<@Nullable String> integrityError;
    private final Map<String, String> fingerprints;
    // the settings read per event, read once
    private final boolean ipOn;
    private final boolean accessKeyOn;
    private final boolean passwordOn;
    private final boolean policyOn;
    private final long learningMinutes;
    private final long silenceMinutes;
    /** Events counted, written by the insights thread only; published to {@link #counted}. */
    private long countedHere;

    private final ReentrantLock lock = new ReentrantLock();
    final KeyTable keys;
    private final Rollups rollups;
    private final Attributions attributions = new Attributions();
    private final Interner names = new Interner();
    private final Interner ips = new Interner();
    private int[] ipNetwork = new int[64];
    final Interner networks = new Interner();
    final LongSet seen = new LongSet();
    /** Open insights by type and object. */
    final Map<String, Open> open = new LinkedHashMap<>();
    /** Burst triggers met during replay that no insight event in the journal answered yet. */
    private final Map<String, Open> pending = new LinkedHashMap<>();

    // the hand-over from the journal's writer
    private final ReentrantLock ringLock = new ReentrantLock();
    private final ArrayDeque<Object[]> ring = new ArrayDeque<>();
    private final ArrayDeque<long[]> ringSeqs = new ArrayDeque<>();
    private int queuedEvents;
    private long droppedUpTo;

    private final ConcurrentLinkedQueue<String[]> concealments = new ConcurrentLinkedQueue<>();

    // the counting state, under lock
    long position;
    int currentMinute = Integer.MIN_VALUE;
    int firstEverMinute = Integer.MIN_VALUE;
    int lastRecomputeDay = Integer.MIN_VALUE;
    private boolean replaying;
    private boolean stateLoaded;
    private long lastSaveNanos = System.nanoTime();
    private int lastFileCheckMinute = Integer.MIN_VALUE;
    private @Nullable String lastIntegrityError;
    private final Set<String> missingSeen = new HashSet<>();
    private Map<String, String> previousFingerprints = Map.of();

    // status
    private final AtomicLong counted = new AtomicLong();
    private final AtomicLong readBack = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Map<InsightType, AtomicLong> started = new EnumMap<>(InsightType.class);
    private volatile long statusPosition;
    private volatile int statusKeys;
    private volatile int statusOpen;
    private volatile long cpuNanos = -1;
    private volatile @Nullable Instant lastBaseline;
    private volatile @Nullable String lastError;

    private volatile boolean stopping;
    private @Nullable Thread thread;
    private final long replayTarget;

    /** An open insight. */
    static final class Open {
        final InsightType type;
        final String object;
        final boolean burst;
        final String sharedEventId;
        final long startMillis;
        double baseline;
        int lastMinute;
        long count;

        @Nullable
        String reason;

        Open(
                InsightType type,
                String object,
                boolean burst,
                String sharedEventId,
                long startMillis,
                double baseline,
                int lastMinute,
                long count,
                @Nullable String reason) {
            this.type = type;
            this.object = object;
            this.burst = burst;
            this.sharedEventId = sharedEventId;
            this.startMillis = startMillis;
            this.baseline = baseline;
            this.lastMinute = lastMinute;
            this.count = count;
            this.reason = reason;
        }

        String id() {
            return id(type, object);
        }

        static String id(InsightType type, String object) {
            return type.wireName() + '\u0000' + object;
        }
    }

    /**
     * Creates the engine and loads its state from {@code dir} (null: nothing is kept on disk). Counting starts at the
     * saved position, or at the journal's first position when there is no usable state (the rollups are rebuilt).
     *
     * @param fingerprints each trail's configuration as it is now, to notice changes between starts
     * @param integrityError the tamper-evidence log's last error, or null without one
     */
    public InsightEngine(
            Insights settings,
            @Nullable Path dir,
            Clock clock,
            @Nullable Journal journal,
            Recorder recorder,
            Consumer<InsightNotice> listener,
            Warnings warnings,
            Map<String, String> fingerprints,
            @Nullable Supplier<@Nullable String> integrityError) {
        this.settings = settings;
        this.detector = new Detector(settings);
        this.clock = clock;
        this.journal = journal;
        this.dir = dir;
        this.recorder = recorder;
        this.listener = listener;
        this.warnings = warnings;
        this.fingerprints = Map.copyOf(fingerprints);
        this.integrityError = integrityError;
        this.ipOn = settings.enabled(InsightType.IP);
        this.accessKeyOn = settings.enabled(InsightType.ACCESS_KEY);
        this.passwordOn = settings.enabled(InsightType.PASSWORD_CHANGE);
        this.policyOn = settings.enabled(InsightType.POLICY_CHANGE);
        this.learningMinutes = settings.learningPeriod().toMinutes();
        this.silenceMinutes = settings.accessKeySilence().toMinutes();
        this.keys = new KeyTable(settings.maxKeys());
        for (InsightType type : InsightType.values()) {
            started.put(type, new AtomicLong());
        }
        this.rollups = new Rollups(dir);
        lock.lock();
        try {
            if (dir != null) {
                Files2.createPrivateDirectories(dir);
                stateLoaded = InsightStateFile.load(dir.resolve(InsightStateFile.NAME), this, warnings);
                if (!stateLoaded) {
                    rollups.deleteAll(); // their key indexes belong to the lost state: rebuilt from the journal
                }
                rollups.open();
            }
            if (!stateLoaded) {
                position = journal == null ? 0 : journal.firstSeq();
            } else if (journal != null && position < journal.firstSeq()) {
                warnings.warn(
                        "insights-behind",
                        "ActionTrail: insights resume at journal position " + journal.firstSeq() + ", but had counted"
                                + " up to " + position + ": those events were deleted before insights counted them");
                position = journal.firstSeq();
            }
        } catch (IOException | RuntimeException e) {
            fail("cannot open the insights state in " + dir, e);
        } finally {
            lock.unlock();
        }
        this.replayTarget = journal == null ? position : journal.nextSeq();
        this.statusPosition = position;
    }

    /** Starts the insights thread: it first counts what the journal holds beyond the saved position. */
    public void start(ThreadFactory threadFactory) {
        Thread t = threadFactory.newThread(this::run);
        if (t == null) {
            throw new IllegalStateException("threadFactory returned null for the insights thread");
        }
        t.setName("actiontrail-insights");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    // ---- the hand-over -------------------------------------------------------------------------------------------

    @Override
    public void written(long firstSeq, Object[] items, int count) {
        ringLock.lock();
        try {
            if (stopping || ring.size() >= MAX_BATCHES || queuedEvents + count > MAX_QUEUED_EVENTS) {
                droppedUpTo = Math.max(droppedUpTo, firstSeq + count); // read back from the journal instead
                return;
            }
            ring.addLast(items);
            ringSeqs.addLast(new long[] {firstSeq, count});
            queuedEvents += count;
        } finally {
            ringLock.unlock();
        }
    }

    /** Notes a trail stopped or another concealment; counted on the insights thread. Thread-safe. */
    public void concealment(String object, String reason) {
        concealments.add(new String[] {object, reason});
    }

    private void run() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported();
        try {
            lock.lock();
            try {
                replay();
            } finally {
                lock.unlock();
            }
            while (!stopping) {
                drain();
                lock.lock();
                try {
                    tick(clock.millis());
                } finally {
                    lock.unlock();
                }
                if (cpu) {
                    cpuNanos = mx.getCurrentThreadCpuTime();
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(20));
            }
            drain();
        } catch (RuntimeException | Error e) {
            fail("the insights thread failed", e);
        } finally {
            lock.lock();
            try {
                save();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Counts every batch handed over, reading back what was dropped. */
    private void drain() {
        while (true) {
            Object[] items;
            long[] seqs;
            long dropped;
            ringLock.lock();
            try {
                items = ring.pollFirst();
                seqs = ringSeqs.pollFirst();
                if (items != null && seqs != null) {
                    queuedEvents -= (int) seqs[1];
                }
                dropped = droppedUpTo;
            } finally {
                ringLock.unlock();
            }
            lock.lock();
            try {
                if (items == null || seqs == null) {
                    if (dropped > position) {
                        readBack(position, dropped);
                    }
                    publish();
                    return;
                }
                batch(seqs[0], items, (int) seqs[1]);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Counts one batch from position {@code firstSeq}; a gap before it is read back from the journal. */
    void batch(long firstSeq, Object[] items, int count) {
        long end = firstSeq + count;
        if (end <= position) {
            return;
        }
        if (firstSeq > position) {
            readBack(position, firstSeq);
        }
        for (int i = (int) Math.max(0, position - firstSeq); i < count; i++) {
            Object item = items[i];
            if (item instanceof AuditEvent event) {
                count(event);
            } else if (item instanceof AuditRecord record) {
                byte[] line = record.json().getBytes(StandardCharsets.UTF_8);
                line(line, 0, line.length);
            }
            position = firstSeq + i + 1;
        }
    }

    /** Counts the journal's lines in {@code [from, to)}. */
    private void readBack(long from, long to) {
        Journal j = journal;
        if (j == null) {
            position = to;
            return;
        }
        j.scanForwards(from, Math.min(to, j.head()), Long.MIN_VALUE, Long.MAX_VALUE, (seq, utf8, offset, length) -> {
            if (seq >= position && seq < to) {
                line(utf8, offset, length);
                readBack.incrementAndGet();
                position = seq + 1;
            }
            return seq + 1 < to;
        });
        if (position < to && j.head() >= to) {
            position = to; // lines deleted meanwhile (retention): nothing left to count
        }
    }

    /** Counts the journal's lines from the saved position to the head at start, then reconciles. */
    private void replay() {
        replaying = true;
        try {
            if (position < replayTarget) {
                readBack(position, replayTarget);
            }
            reconcile();
        } finally {
            replaying = false;
        }
        checkFingerprints();
        publish();
    }

    private void line(byte[] utf8, int offset, int length) {
        LineFields f;
        try {
            f = LineFields.parse(utf8, offset, length);
        } catch (IllegalArgumentException e) {
            return; // not an event: nothing to count
        }
        if (EventType.INSIGHT.wireName().equals(f.eventType)) {
            insightLine(f);
            return;
        }
        String principal = f.principalId != null ? f.principalId : f.userName;
        count(
                f.eventTimeMillis,
                f.eventName,
                f.serviceName,
                f.eventRW == null || EventRW.WRITE.wireName().equals(f.eventRW),
                Outcome.FAILURE.wireName().equals(f.outcome)
                        || Outcome.DENIED.wireName().equals(f.outcome),
                f.errorCode,
                principal,
                f.accessKeyId,
                f.sourceIpAddress,
                f.userAgent,
                f.accountId);
    }

    /** Counts one event. */
    void count(AuditEvent e) {
        if (e.eventType() == EventType.INSIGHT) {
            if (replaying) {
                insightEvent(e);
            }
            return; // insights do not count themselves
        }
        UserIdentity identity = e.userIdentity();
        String principal = null;
        String accessKey = null;
        String tenant = null;
        if (identity != null) {
            principal = identity.principalId() != null ? identity.principalId() : identity.userName();
            accessKey = identity.accessKeyId();
            tenant = identity.accountId();
        }
        Outcome outcome = e.outcome();
        count(
                e.eventTime().toEpochMilli(),
                e.eventName(),
                e.serviceName(),
                e.eventRW() != EventRW.READ,
                outcome == Outcome.FAILURE || outcome == Outcome.DENIED,
                e.errorCode(),
                principal,
                accessKey,
                e.sourceIpAddress(),
                e.userAgent(),
                tenant);
    }

    @SuppressWarnings("TooManyParameters") // the fields of one event, read from an object or from a line
    private void count(
            long timeMillis,
            String eventName,
            @Nullable String service,
            boolean write,
            boolean failure,
            @Nullable String errorCode,
            @Nullable String principal,
            @Nullable String accessKey,
            @Nullable String ip,
            @Nullable String userAgent,
            @Nullable String tenant) {
        countedHere++;
        int minute = (int) Math.floorDiv(timeMillis, 60_000L);
        if (currentMinute == Integer.MIN_VALUE) {
            currentMinute = minute;
        } else if (minute > currentMinute) {
            closeMinutesUpTo(minute);
        }
        minute = currentMinute; // a late event counts in the open minute
        if (firstEverMinute == Integer.MIN_VALUE) {
            firstEverMinute = minute;
        }
        KeyTable t = keys;
        if (write) {
            touch(
                    t.intern(KeyTable.API_CALL, eventName, service == null ? "" : service, minute),
                    minute,
                    principal,
                    userAgent,
                    ip,
                    errorCode,
                    tenant);
        }
        if (failure) {
            touch(
                    t.intern(KeyTable.API_ERROR, eventName, errorCode == null ? "" : errorCode, minute),
                    minute,
                    principal,
                    userAgent,
                    ip,
                    errorCode,
                    tenant);
        }
        boolean learnt = minute - firstEverMinute >= learningMinutes;
        if (principal != null) {
            int p = t.intern(KeyTable.PRINCIPAL, principal, "", minute);
            if (p >= 0) {
                touch(p, minute, null, null, null, null, null);
                if (ip != null && ipOn) {
                    newNetwork(p, principal, ip, learnt, minute, timeMillis);
                }
            } else {
                refused.incrementAndGet();
            }
        }
        if (accessKey != null) {
            int a = t.intern(KeyTable.ACCESS_KEY, accessKey, "", minute);
            if (a >= 0) {
                int last = t.lastMinute[a];
                if (learnt && last != Integer.MIN_VALUE && minute - last >= silenceMinutes && accessKeyOn) {
                    burst(
                            InsightType.ACCESS_KEY,
                            accessKey,
                            minute,
                            timeMillis,
                            "UsedAfterSilence",
                            Map.of("silentMinutes", (long) (minute - last)));
                }
            }
            touch(a, minute, principal, userAgent, ip, errorCode, tenant);
        }
        byte flags = nameFlags(eventName);
        if ((flags & PASSWORD) != 0 && passwordOn) {
            burst(
                    InsightType.PASSWORD_CHANGE,
                    eventName,
                    minute,
                    timeMillis,
                    null,
                    principal == null ? Map.of() : Map.of("principal", principal));
        }
        if ((flags & POLICY) != 0 && policyOn) {
            burst(
                    InsightType.POLICY_CHANGE,
                    eventName,
                    minute,
                    timeMillis,
                    null,
                    principal == null ? Map.of() : Map.of("principal", principal));
        }
    }

    /** Counts an event for key {@code k} and attributes it while the key is anomalous or near it. */
    @SuppressWarnings("TooManyParameters")
    private void touch(
            int k,
            int minute,
            @Nullable String principal,
            @Nullable String userAgent,
            @Nullable String ip,
            @Nullable String errorCode,
            @Nullable String tenant) {
        if (k < 0) {
            refused.incrementAndGet();
            return;
        }
        KeyTable t = keys;
        int c = ++t.count[k];
        t.lastMinute[k] = minute;
        if (c >= t.near[k] || (t.flags[k] & KeyTable.ATTRIBUTING) != 0) {
            Attributions.Collector collector = (t.flags[k] & KeyTable.ATTRIBUTING) != 0 ? attributions.get(k) : null;
            if (collector == null) {
                collector = attributions.start(k);
                t.flags[k] |= KeyTable.ATTRIBUTING;
            }
            collector.add(0, principal);
            collector.add(1, userAgent);
            collector.add(2, ip);
            collector.add(3, errorCode);
            collector.add(4, tenant);
        }
    }

    private void newNetwork(int p, String principal, String ip, boolean learnt, int minute, long timeMillis) {
        int ipId = ips.intern(ip);
        if (ips.added) {
            if (ips.size() > MAX_IPS) {
                ips.clear();
                ipId = ips.intern(ip);
            }
            if (ipId >= ipNetwork.length) {
                ipNetwork = java.util.Arrays.copyOf(ipNetwork, Math.max(ipId + 1, ipNetwork.length * 2));
            }
            ipNetwork[ipId] = networks.intern(Networks.of(ip));
        }
        int network = ipNetwork[ipId];
        if (seen.size() >= settings.maxKeys() * 4L) {
            return; // no more learning: a network not kept is never reported either
        }
        if (seen.add(((long) p << 32) | (network & 0xffffffffL))) {
            boolean known = (keys.flags[p] & KeyTable.HAS_NETWORK) != 0;
            keys.flags[p] |= KeyTable.HAS_NETWORK;
            if (learnt && known) {
                burst(
                        InsightType.IP,
                        principal,
                        minute,
                        timeMillis,
                        "NewNetwork",
                        Map.of("sourceIpAddress", ip, "network", networks.value(network)));
            }
        }
    }

    private byte nameFlags(String eventName) {
        int id = names.intern(eventName);
        if (names.added) {
            if (names.size() > MAX_NAMES) {
                names.clear();
                id = names.intern(eventName);
            }
            byte f = 0;
            if (settings.isPasswordChange(eventName)) {
                f |= PASSWORD;
            }
            if (settings.isPolicyChange(eventName)) {
                f |= POLICY;
            }
            names.flags[id] = f;
        }
        return names.flags[id];
    }

    /** A burst insight's trigger: starts it, or extends the open one. */
    private void burst(
            InsightType type,
            String object,
            int minute,
            long timeMillis,
            @Nullable String reason,
            Map<String, ? extends @Nullable Object> context) {
        String id = Open.id(type, object);
        Open o = open.get(id);
        if (o != null) {
            o.count++;
            o.lastMinute = Math.max(o.lastMinute, minute);
            return;
        }
        if (replaying) {
            Open p = pending.get(id);
            if (p == null) {
                pending.put(id, new Open(type, object, true, "", timeMillis, 0, minute, 1, reason));
            } else {
                p.count++;
                p.lastMinute = minute;
            }
            return;
        }
        Open started = new Open(type, object, true, UUID.randomUUID().toString(), timeMillis, 0, minute, 1, reason);
        open.put(id, started);
        emit(started, InsightNotice.State.START, timeMillis, 0, 1, null, context);
    }

    // ---- minutes ---------------------------------------------------------------------------------------------------

    /** Closes the open minutes the clock has passed (with a grace for events still queued), and polls triggers. */
    void tick(long nowMillis) {
        int nowMinute = (int) Math.floorDiv(nowMillis - GRACE_MILLIS, 60_000L);
        if (currentMinute != Integer.MIN_VALUE && nowMinute > currentMinute) {
            closeMinutesUpTo(nowMinute);
        }
        String[] c;
        while ((c = concealments.poll()) != null) {
            if (settings.enabled(InsightType.TRAIL_CONCEALMENT)) {
                int minute = currentMinute != Integer.MIN_VALUE ? currentMinute : (int) (nowMillis / 60_000L);
                burst(InsightType.TRAIL_CONCEALMENT, c[0], minute, nowMillis, c[1], Map.of("reason", c[1]));
            }
        }
        int clockMinute = (int) Math.floorDiv(nowMillis, 60_000L);
        if (clockMinute != lastFileCheckMinute) {
            lastFileCheckMinute = clockMinute;
            checkConcealment();
        }
        // saved by elapsed time, not by the clock: how much a crash costs to replay is a matter of real time
        long nanos = System.nanoTime();
        if (nanos - lastSaveNanos >= SAVE_EVERY_NANOS) {
            lastSaveNanos = nanos;
            save();
        }
        publish();
    }

    private void checkConcealment() {
        if (replaying) {
            return;
        }
        Supplier<@Nullable String> source = integrityError;
        if (source != null) {
            String error = source.get();
            if (error != null && !error.equals(lastIntegrityError)) {
                concealment("integrity", "IntegrityError: " + error);
            }
            lastIntegrityError = error;
        }
        Journal j = journal;
        if (j != null) {
            List<String> missing = j.missingFiles();
            List<String> fresh = new ArrayList<>();
            for (String name : missing) {
                if (missingSeen.add(name)) {
                    fresh.add(name);
                }
            }
            if (!fresh.isEmpty()) {
                concealment("journal", "FilesRemoved: " + String.join(",", fresh));
            }
        }
    }

    private void checkFingerprints() {
        if (!stateLoaded) {
            return;
        }
        for (Map.Entry<String, String> before : previousFingerprints.entrySet()) {
            String now = fingerprints.get(before.getKey());
            String object = before.getKey().startsWith("trail:") ? before.getKey() : "journal";
            if (now == null) {
                concealment(object, "TrailRemoved");
            } else if (!now.equals(before.getValue())) {
                concealment(object, object.equals("journal") ? "RetentionChanged" : "SelectorChanged");
            }
        }
    }

    /** Closes every minute before {@code minute}; a long gap closes its empty minutes in bulk. */
    private void closeMinutesUpTo(int minute) {
        int m = settings.minutes();
        while (currentMinute < minute) {
            if (minute - currentMinute > m + 2 && allQuiet()) {
                // nothing counted in the rest of the gap: enough empty minutes to end everything, then jump
                for (int i = 0; i <= m && currentMinute < minute; i++) {
                    closeMinute(currentMinute++);
                }
                flushAccumulators();
                int fromDay = Math.floorDiv(currentMinute, 1440);
                int toDay = Math.floorDiv(minute, 1440);
                currentMinute = minute;
                if (toDay > fromDay) {
                    newDay(toDay);
                }
                return;
            }
            closeMinute(currentMinute++);
        }
    }

    private boolean allQuiet() {
        for (int k = 0; k < keys.size(); k++) {
            if (keys.count[k] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Closes minute {@code minute}: rollups, baselines' running sums, the rule, burst ends, the day's baselines. */
    void closeMinute(int minute) {
        KeyTable t = keys;
        int m = settings.minutes();
        boolean fiveEnds = Math.floorMod(minute + 1, 5) == 0;
        boolean hourEnds = Math.floorMod(minute + 1, 60) == 0;
        try {
            for (int k = 0; k < t.size(); k++) {
                int c = t.count[k];
                InsightType type = rateType(t.kind[k]);
                if (type != null && settings.enabled(type)) {
                    double threshold = detector.threshold(t, k, minute);
                    rule(k, type, minute, c, threshold, m);
                    double next = detector.threshold(t, k, minute + 1);
                    t.near[k] = next >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.ceil(next / 2);
                }
                if (c > 0) {
                    rollups.add(Rollups.Resolution.MINUTE, minute, k, c);
                    t.acc5[k] += c;
                    t.acc60[k] += c;
                }
                if (fiveEnds && t.acc5[k] > 0) {
                    rollups.add(Rollups.Resolution.FIVE_MINUTES, minute - 4, k, t.acc5[k]);
                    t.acc5[k] = 0;
                }
                if (hourEnds && t.acc60[k] > 0) {
                    rollups.add(Rollups.Resolution.HOUR, minute - 59, k, t.acc60[k]);
                    t.acc60[k] = 0;
                }
                if (minute >= t.firstMinute[k]) {
                    t.coldSum[k] += c;
                    t.coldSumSq[k] += (double) c * c;
                }
                t.count[k] = 0;
            }
            rollups.flush();
        } catch (IOException e) {
            fail("cannot write the insights rollups", e);
        }
        if (!replaying) {
            for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
                Open o = it.next();
                if (o.burst && minute - o.lastMinute >= m) {
                    it.remove();
                    emit(o, InsightNotice.State.END, endMillis(minute), 0, o.count, null, Map.of());
                }
            }
        }
        if (Math.floorMod(minute + 1, 1440) == 0) {
            newDay(Math.floorDiv(minute + 1, 1440));
        }
    }

    private long endMillis(int minute) {
        return (minute + 1L) * 60_000L;
    }

    /** Applies the rule to key {@code k}'s count {@code c} of minute {@code minute}. */
    private void rule(int k, InsightType type, int minute, int c, double threshold, int m) {
        KeyTable t = keys;
        boolean above = c > threshold;
        t.above[k] = above ? (byte) Math.min(127, t.above[k] + 1) : 0;
        t.below[k] = above ? 0 : (byte) Math.min(127, t.below[k] + 1);
        boolean active = (t.flags[k] & KeyTable.ACTIVE) != 0;
        if (active || above) {
            t.insightSum[k] += c;
            t.insightMinutes[k]++;
        } else {
            t.insightSum[k] = 0;
            t.insightMinutes[k] = 0;
        }
        if (!active && t.above[k] >= m) {
            t.flags[k] |= KeyTable.ACTIVE;
            if (!replaying) {
                startRate(k, type, minute);
            }
        } else if (active && t.below[k] >= m) {
            t.flags[k] &= (byte) ~KeyTable.ACTIVE;
            if (!replaying) {
                endRate(k, type, minute);
            }
            t.insightSum[k] = 0;
            t.insightMinutes[k] = 0;
        }
        if ((t.flags[k] & (KeyTable.ACTIVE | KeyTable.ATTRIBUTING)) == KeyTable.ATTRIBUTING
                && c < t.near[k]
                && !open.containsKey(Open.id(type, display(k)))) {
            attributions.stop(k);
            t.flags[k] &= (byte) ~KeyTable.ATTRIBUTING;
        }
    }

    private void startRate(int k, InsightType type, int minute) {
        String object = display(k);
        String id = Open.id(type, object);
        if (open.containsKey(id)) {
            return;
        }
        double baseline = detector.baseline(keys, k, minute);
        long startMillis = (minute - settings.minutes() + 1L) * 60_000L;
        Open o = new Open(type, object, false, UUID.randomUUID().toString(), startMillis, baseline, minute, 0, null);
        open.put(id, o);
        Attributions.Collector collector = attributions.get(k);
        emit(o, InsightNotice.State.START, endMillis(minute), average(k), 0, collector, Map.of());
    }

    private void endRate(int k, InsightType type, int minute) {
        Open o = open.remove(Open.id(type, display(k)));
        if (o == null) {
            return;
        }
        Attributions.Collector collector = attributions.get(k);
        emit(o, InsightNotice.State.END, endMillis(minute), average(k), 0, collector, Map.of());
        attributions.stop(k);
        keys.flags[k] &= (byte) ~KeyTable.ATTRIBUTING;
    }

    private double average(int k) {
        int minutes = keys.insightMinutes[k];
        return minutes == 0 ? 0 : (double) keys.insightSum[k] / minutes;
    }

    private static @Nullable InsightType rateType(byte kind) {
        return switch (kind) {
            case KeyTable.API_CALL -> InsightType.API_CALL_RATE;
            case KeyTable.API_ERROR -> InsightType.API_ERROR_RATE;
            case KeyTable.ACCESS_KEY -> InsightType.ACCESS_KEY;
            default -> null;
        };
    }

    String display(int k) {
        String b = keys.second[k];
        return b.isEmpty() ? keys.first[k] : keys.first[k] + "/" + b;
    }

    private void flushAccumulators() {
        int bucket5 = currentMinute - Math.floorMod(currentMinute, 5);
        int bucket60 = currentMinute - Math.floorMod(currentMinute, 60);
        try {
            for (int k = 0; k < keys.size(); k++) {
                if (keys.acc5[k] > 0) {
                    rollups.add(Rollups.Resolution.FIVE_MINUTES, bucket5, k, keys.acc5[k]);
                    keys.acc5[k] = 0;
                }
            }
            for (int k = 0; k < keys.size(); k++) {
                if (keys.acc60[k] > 0) {
                    rollups.add(Rollups.Resolution.HOUR, bucket60, k, keys.acc60[k]);
                    keys.acc60[k] = 0;
                }
            }
            rollups.flush();
        } catch (IOException e) {
            fail("cannot write the insights rollups", e);
        }
    }

    /** At UTC midnight: the baselines from the last 7 days of per-minute rollups, and the rollups' retention. */
    private void newDay(int day) {
        if (day <= lastRecomputeDay) {
            return;
        }
        lastRecomputeDay = day;
        int n = keys.size();
        double[] sum = new double[n * KeyTable.WINDOWS];
        double[] sumSq = new double[n * KeyTable.WINDOWS];
        try {
            rollups.flush();
            for (int d = day - 7; d < day; d++) {
                rollups.read(Rollups.Resolution.MINUTE, d, (minute, key, count) -> {
                    if (key < n) {
                        int w = key * KeyTable.WINDOWS + Math.floorMod(minute, 1440) / 60;
                        sum[w] += count;
                        sumSq[w] += (double) count * count;
                    }
                });
            }
            rollups.retain(day);
        } catch (IOException e) {
            fail("cannot read the insights rollups", e);
            return;
        }
        int dayStart = day * 1440;
        for (int k = 0; k < n; k++) {
            boolean warm = keys.firstMinute[k] <= dayStart - 1440;
            for (int w = 0; w < KeyTable.WINDOWS; w++) {
                int i = k * KeyTable.WINDOWS + w;
                long minutes = 0;
                for (int d = day - 7; d < day; d++) {
                    int from = d * 1440 + w * 60;
                    minutes += Math.max(0, Math.min(60, from + 60 - Math.max(from, keys.firstMinute[k])));
                }
                if (!warm || minutes == 0) {
                    keys.baseMean[i] = Float.NaN;
                    keys.baseStd[i] = Float.NaN;
                } else {
                    double mean = sum[i] / minutes;
                    keys.baseMean[i] = (float) mean;
                    keys.baseStd[i] = (float) Math.sqrt(Math.max(0, sumSq[i] / minutes - mean * mean));
                }
            }
        }
        lastBaseline = Instant.ofEpochSecond(dayStart * 60L);
    }

    // ---- replay and reconciliation -------------------------------------------------------------------------------

    private void insightEvent(AuditEvent e) {
        Map<String, @Nullable Object> details = e.insightDetails();
        if (details == null || e.sharedEventId() == null) {
            return;
        }
        insightSeen(
                e.sharedEventId(),
                String.valueOf(details.get("state")),
                String.valueOf(details.get("insightType")),
                String.valueOf(details.get("insightObject")),
                e.eventTime().toEpochMilli());
    }

    private void insightLine(LineFields f) {
        if (replaying
                && f.sharedEventId != null
                && f.insightState != null
                && f.insightType != null
                && f.insightObject != null) {
            insightSeen(f.sharedEventId, f.insightState, f.insightType, f.insightObject, f.eventTimeMillis);
        }
    }

    /** An insight event found in the journal while replaying: the journal says what was announced. */
    private void insightSeen(String sharedEventId, String state, String typeName, String object, long timeMillis) {
        InsightType type;
        try {
            type = InsightType.fromWireName(typeName);
        } catch (IllegalArgumentException e) {
            return;
        }
        String id = Open.id(type, object);
        int minute = (int) Math.floorDiv(timeMillis, 60_000L);
        if (state.equals(InsightNotice.State.START.wireName())) {
            Open p = pending.remove(id);
            if (!open.containsKey(id)) {
                boolean burst = rateKind(type) < 0 || p != null;
                Open o = new Open(
                        type,
                        object,
                        burst,
                        sharedEventId,
                        timeMillis,
                        0,
                        minute,
                        p == null ? 1 : p.count,
                        p == null ? null : p.reason);
                o.lastMinute = Math.max(minute, p == null ? minute : p.lastMinute);
                open.put(id, o);
            }
        } else if (state.equals(InsightNotice.State.END.wireName())) {
            Open o = open.get(id);
            if (o != null && o.sharedEventId.equals(sharedEventId)) {
                open.remove(id);
            }
        }
    }

    private static int rateKind(InsightType type) {
        return switch (type) {
            case API_CALL_RATE -> KeyTable.API_CALL;
            case API_ERROR_RATE -> KeyTable.API_ERROR;
            case ACCESS_KEY -> KeyTable.ACCESS_KEY;
            case IP, TRAIL_CONCEALMENT, PASSWORD_CHANGE, POLICY_CHANGE -> -1;
        };
    }

    /**
     * After replay: an anomaly the rule sees that the journal never announced starts now; an announced rate insight
     * the rule no longer sees ends now; a burst triggered but never announced starts now (and ends like any burst).
     */
    private void reconcile() {
        replaying = false;
        int minute = currentMinute == Integer.MIN_VALUE ? (int) (clock.millis() / 60_000L) : currentMinute;
        Set<String> active = new HashSet<>();
        for (int k = 0; k < keys.size(); k++) {
            InsightType type = rateType(keys.kind[k]);
            if (type == null || (keys.flags[k] & KeyTable.ACTIVE) == 0) {
                continue;
            }
            if (!settings.enabled(type)) {
                keys.flags[k] &= (byte) ~KeyTable.ACTIVE;
                continue;
            }
            active.add(Open.id(type, display(k)));
            startRate(k, type, Math.max(minute - 1, keys.firstMinute[k]));
        }
        for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
            Open o = it.next();
            if (!o.burst && !active.contains(o.id())) {
                it.remove();
                emit(o, InsightNotice.State.END, clock.millis(), 0, o.count, null, Map.of());
            }
        }
        for (Open p : pending.values()) {
            if (!open.containsKey(p.id()) && settings.enabled(p.type)) {
                Open o = new Open(
                        p.type,
                        p.object,
                        true,
                        UUID.randomUUID().toString(),
                        p.startMillis,
                        0,
                        p.lastMinute,
                        p.count,
                        p.reason);
                open.put(o.id(), o);
                emit(
                        o,
                        InsightNotice.State.START,
                        p.startMillis,
                        0,
                        p.count,
                        null,
                        p.reason == null ? Map.of() : Map.of("reason", p.reason));
            }
        }
        pending.clear();
    }

    // ---- insight events --------------------------------------------------------------------------------------------

    private void emit(
            Open o,
            InsightNotice.State state,
            long timeMillis,
            double insightAverage,
            long burstCount,
            Attributions.@Nullable Collector collector,
            Map<String, ? extends @Nullable Object> context) {
        Map<String, @Nullable Object> statistics = new LinkedHashMap<>();
        statistics.put("baseline", Map.of("average", round(o.baseline)));
        Map<String, @Nullable Object> insight = new LinkedHashMap<>();
        if (o.burst) {
            insight.put("count", burstCount);
        } else {
            insight.put("average", round(insightAverage));
        }
        statistics.put("insight", insight);
        statistics.put("insightDuration", Math.max(0, (timeMillis - o.startMillis) / 60_000L));
        statistics.put("baselineDuration", o.burst ? 0L : 7L * 24 * 60);
        Map<String, @Nullable Object> insightContext = new LinkedHashMap<>();
        insightContext.put("statistics", statistics);
        insightContext.put("attributions", collector == null ? List.of() : collector.top());
        Map<String, @Nullable Object> extra = new TreeMap<>(context);
        if (o.reason != null) {
            extra.putIfAbsent("reason", o.reason);
        }
        insightContext.putAll(extra);
        Map<String, @Nullable Object> details = new LinkedHashMap<>();
        details.put("state", state.wireName());
        details.put("insightType", o.type.wireName());
        details.put("insightObject", o.object);
        details.put("insightContext", insightContext);
        AuditEvent event = AuditEvent.builder(o.type.wireName())
                .eventTime(Instant.ofEpochMilli(timeMillis))
                .eventType(EventType.INSIGHT)
                .eventCategory(EventCategory.INSIGHT)
                .eventRW(EventRW.READ)
                .userIdentity(IDENTITY)
                .resource("Insight", o.object)
                .sharedEventId(o.sharedEventId)
                .insightDetails(details)
                .build();
        if (state == InsightNotice.State.START) {
            Objects.requireNonNull(started.get(o.type)).incrementAndGet();
        }
        try {
            recorder.record(event);
        } catch (RuntimeException e) {
            warnings.warn("insights-record", "ActionTrail: an insight event could not be recorded", e);
        }
        try {
            listener.accept(new InsightNotice(
                    o.type,
                    state,
                    o.sharedEventId,
                    o.object,
                    o.baseline,
                    o.burst ? burstCount : insightAverage,
                    Instant.ofEpochMilli(timeMillis),
                    event));
        } catch (RuntimeException e) {
            warnings.warn("listener", "ActionTrail: a DeliveryListener threw", e);
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    // ---- queries, state, close -------------------------------------------------------------------------------------

    /**
     * Returns a counter's closed buckets in {@code [from, to)} at one of the rollups' resolutions.
     *
     * @throws IllegalArgumentException unless the resolution is 1 minute, 5 minutes or 1 hour
     */
    public CounterSeries series(CounterKey key, Instant from, Instant to, Duration resolution) {
        Rollups.Resolution r;
        if (resolution.equals(Duration.ofMinutes(1))) {
            r = Rollups.Resolution.MINUTE;
        } else if (resolution.equals(Duration.ofMinutes(5))) {
            r = Rollups.Resolution.FIVE_MINUTES;
        } else if (resolution.equals(Duration.ofHours(1))) {
            r = Rollups.Resolution.HOUR;
        } else {
            throw new IllegalArgumentException("resolution must be 1 minute, 5 minutes or 1 hour: " + resolution);
        }
        byte kind =
                switch (key.kind()) {
                    case API_CALL -> KeyTable.API_CALL;
                    case API_ERROR -> KeyTable.API_ERROR;
                    case PRINCIPAL -> KeyTable.PRINCIPAL;
                    case ACCESS_KEY -> KeyTable.ACCESS_KEY;
                };
        long fromMinute = Math.floorDiv(from.toEpochMilli(), 60_000L);
        long toMinute = Math.floorDiv(to.toEpochMilli() + 59_999L, 60_000L);
        TreeMap<Integer, long[]> buckets = new TreeMap<>();
        lock.lock();
        try {
            int k = keys.find(kind, key.name(), key.qualifier());
            if (k >= 0) {
                for (long day = Math.floorDiv(fromMinute, 1440); day <= Math.floorDiv(toMinute, 1440); day++) {
                    rollups.read(r, (int) day, (minute, index, count) -> {
                        if (index == k && minute >= fromMinute && minute < toMinute) {
                            buckets.computeIfAbsent(minute, b -> new long[1])[0] += count;
                        }
                    });
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
        List<CounterSeries.Point> points = new ArrayList<>(buckets.size());
        buckets.forEach(
                (minute, count) -> points.add(new CounterSeries.Point(Instant.ofEpochSecond(minute * 60L), count[0])));
        return new CounterSeries(key, resolution, points);
    }

    public InsightsStatus status() {
        Map<InsightType, Long> byType = new EnumMap<>(InsightType.class);
        started.forEach((type, count) -> byType.put(type, count.get()));
        return new InsightsStatus(
                true,
                statusPosition,
                counted.get(),
                readBack.get(),
                statusKeys,
                refused.get(),
                statusOpen,
                byType,
                cpuNanos,
                lastBaseline,
                lastError);
    }

    private void publish() {
        counted.set(countedHere);
        statusPosition = position;
        statusKeys = keys.size();
        statusOpen = open.size();
    }

    /** Saves the state atomically; a failure is reported and retried at the next save. */
    void save() {
        Path d = dir;
        if (d == null) {
            return;
        }
        try {
            rollups.flush();
            InsightStateFile.save(d.resolve(InsightStateFile.NAME), this);
        } catch (IOException | RuntimeException e) {
            fail("cannot save the insights state in " + d, e);
        }
    }

    private void fail(String message, Throwable e) {
        lastError = message + ": " + e;
        warnings.warn("insights", "ActionTrail: " + message, e);
    }

    /** Stops the thread after it counted what was handed over, and saves the state. Idempotent. */
    public void close() {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- for the state file -----------------------------------------------------------------------------------------

    Map<String, String> fingerprints() {
        return fingerprints;
    }

    void previousFingerprints(Map<String, String> previous) {
        this.previousFingerprints = Map.copyOf(previous);
    }

    int[] ipNetworkForState() {
        return ipNetwork;
    }

    Interner networksForState() {
        return networks;
    }

    Insights settings() {
        return settings;
    }
}
