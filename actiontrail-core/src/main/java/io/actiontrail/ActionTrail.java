package io.actiontrail;

import io.actiontrail.capture.CallRecorder;
import io.actiontrail.insights.CounterKey;
import io.actiontrail.insights.CounterSeries;
import io.actiontrail.insights.Insights;
import io.actiontrail.insights.InsightsStatus;
import io.actiontrail.integrity.InclusionProof;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.IntegrityStatus;
import io.actiontrail.integrity.VerificationReport;
import io.actiontrail.integrity.VerifierKey;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.capture.AuditingHandler;
import io.actiontrail.internal.capture.CallCapture;
import io.actiontrail.internal.capture.EventLines;
import io.actiontrail.internal.capture.EventRecorder;
import io.actiontrail.internal.capture.Snapshotter;
import io.actiontrail.internal.codec.EventEncoder;
import io.actiontrail.internal.codec.Redaction;
import io.actiontrail.internal.delivery.Pipeline;
import io.actiontrail.internal.insights.InsightEngine;
import io.actiontrail.internal.integrity.IntegrityLog;
import io.actiontrail.internal.integrity.JournalVerifier;
import io.actiontrail.internal.integrity.TrailVerifier;
import io.actiontrail.internal.journal.JournalSettings;
import io.actiontrail.internal.journal.ReadOnlyStore;
import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.EventStore;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import io.actiontrail.query.ReadOnlyJournal;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: records audit events, keeps them in the journal and ships them to every trail's sinks.
 *
 * <pre>{@code
 * try (ActionTrail actionTrail = ActionTrail.builder()
 *         .serviceName("orders")
 *         .trail(Trail.builder("main").sink(Slf4jAuditSink.create()).build())
 *         .build()) {
 *     OrderService orders = actionTrail.proxy(OrderService.class, new DefaultOrderService());
 *     orders.create(order); // @Audited: recorded with who, where, what and how it ended
 * }
 * }</pre>
 *
 * <p>{@link #record(AuditEvent)} never throws and never waits for a sink: events are encoded on the caller's thread,
 * appended to the journal and delivered by one background shipper per trail and sink. Anything that cannot be
 * recorded or delivered is counted and reported ({@link #captureStats()}, {@link #status(String)},
 * {@link DeliveryListener}), never lost silently.
 *
 * <p>Thread-safe.
 *
 * <p>Over 500 lines because of its builder: the façade delegates every job to the engine, and the builder, which
 * users reach as {@code ActionTrail.builder()}, documents and checks each setting where users read it.
 */
public final class ActionTrail implements AutoCloseable {

    /** The keys whose values are redacted by default: matched case-insensitively, ignoring separators, anywhere. */
    public static final Set<String> DEFAULT_REDACT_KEYS = Redaction.DEFAULT_KEYS;

    /** The default cap on one encoded event: 256 KiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 256 * 1024;

    /** The default capacity of the {@link Durability#MEMORY} journal: 64 MiB. */
    public static final long DEFAULT_MEMORY_CAPACITY_BYTES = 64L * 1024 * 1024;

    /** The default journal directory: {@code ./actiontrail-data}. */
    public static final Path DEFAULT_DATA_DIR = Path.of("actiontrail-data");

    /** The default longest time between two fsyncs in {@link Durability#GROUP} mode: 100 ms. */
    public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofMillis(100);

    /** The default size at which a journal segment is rolled: 64 MiB. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

    /** The default time journaled events are kept and can be looked up: 90 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);

    /** The default most disk space the journal uses: 10 GiB. */
    public static final long DEFAULT_MAX_DISK_BYTES = 10L * 1024 * 1024 * 1024;

    /** The default time {@link #close()} waits for pending deliveries: 10 seconds. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final EventRecorder recorder;
    private final CallCapture calls;
    private final Pipeline pipeline;
    private final EventStore eventStore;
    private final Duration shutdownTimeout;
    private final @Nullable Thread shutdownHook;
    private final @Nullable InsightEngine insights;

    private ActionTrail(Builder builder, String serviceName) {
        Clock clock = builder.clock;
        Warnings warnings = new Warnings();
        Snapshotter snapshotter = new Snapshotter(
                Redaction.of(builder.redactKeys),
                builder.maxDepth,
                builder.maxStringLength,
                builder.maxCollectionElements,
                Snapshotter.DEFAULT_MAX_NODES);
        this.shutdownTimeout = builder.shutdownTimeout;
        this.pipeline = new Pipeline(
                builder.journalSettings(),
                List.copyOf(builder.trails.values()),
                builder.integrity,
                clock,
                builder.listener,
                warnings);
        this.recorder = new EventRecorder(
                new EventRecorder.Defaults(
                        serviceName,
                        builder.region,
                        builder.eventSource != null ? builder.eventSource : localHostName()),
                snapshotter,
                new EventLines(new EventEncoder(builder.maxEventBytes), warnings),
                pipeline,
                clock,
                warnings);
        this.calls = new CallCapture(snapshotter, clock, recorder);
        this.eventStore = new JournalStore(pipeline);
        this.insights = builder.insights.enabled() ? insights(builder, recorder, warnings) : null;
        this.pipeline.start(builder.threadFactory);
        if (insights != null) {
            insights.start(builder.threadFactory);
        }
        if (builder.shutdownHook) {
            Thread hook = new Thread(this::close, "actiontrail-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            this.shutdownHook = hook;
        } else {
            this.shutdownHook = null;
        }
    }

    /** The insights engine over this instance's journal, tapped before the journal starts. */
    private @Nullable InsightEngine insights(Builder builder, EventRecorder recorder, Warnings warnings) {
        Map<String, String> fingerprints = new LinkedHashMap<>();
        for (Trail trail : builder.trails.values()) {
            fingerprints.put("trail:" + trail.name(), trail.selector().toString());
        }
        fingerprints.put("journal", "retention=" + builder.retention);
        DeliveryListener listener = builder.listener;
        try {
            InsightEngine engine = new InsightEngine(
                    builder.insights,
                    builder.durability == Durability.MEMORY ? null : builder.dataDir.resolve("insights"),
                    builder.clock,
                    pipeline.journal(),
                    recorder::record,
                    listener::onInsight,
                    warnings,
                    fingerprints,
                    () -> {
                        IntegrityLog log = pipeline.integrity();
                        return log == null ? null : log.status().lastError();
                    });
            pipeline.journal().tap(engine);
            return engine;
        } catch (RuntimeException e) {
            warnings.warn("insights", "ActionTrail: insights could not start and are off", e);
            return null;
        }
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records an event. Values the event leaves absent are filled from the current {@link AuditContext} and from
     * this instance's configuration; secrets are redacted; an event over the size cap is truncated, visibly.
     *
     * <p>Never throws and never waits for a sink. An event that cannot be recorded ({@code null}, after
     * {@link #close()}, or an internal failure) is counted in {@link #captureStats()} and reported to the
     * {@link DeliveryListener}.
     */
    public void record(@Nullable AuditEvent event) {
        recorder.record(event);
    }

    /**
     * Returns a proxy of {@code target} that records an event for every call of a method annotated
     * {@link Audited}, on the interface or on the target's implementation. Other methods pass through unchanged.
     *
     * @throws IllegalArgumentException if {@code type} is not an interface, or an {@code @Audited} expression is
     *     invalid for its method
     */
    public <T> T proxy(Class<T> type, T target) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        if (!type.isInterface()) {
            throw new IllegalArgumentException("proxy needs an interface, not " + type.getName()
                    + "; in Spring, the starter audits @Audited bean methods directly");
        }
        AuditingHandler handler = AuditingHandler.create(calls, type, target);
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
        return type.cast(proxy);
    }

    /**
     * Returns the recorder of audited calls for framework integrations that intercept {@link Audited} methods
     * themselves (Spring AOP, a web framework's handler): it turns a call into the same event {@link #proxy} records,
     * with this instance's clock, snapshot limits and redaction. Thread-safe; the same instance on every call.
     */
    public CallRecorder callRecorder() {
        return calls;
    }

    /** Returns the trails, in the order they were added. */
    public List<Trail> trails() {
        return pipeline.trails();
    }

    /**
     * Returns the current status of a trail and each of its sinks.
     *
     * @throws IllegalArgumentException if there is no trail of that name
     */
    public TrailStatus status(String trail) {
        return pipeline.status(state(trail));
    }

    /** Returns what the capture side recorded and could not record, by reason. */
    public CaptureStats captureStats() {
        return recorder.stats();
    }

    /**
     * Makes a trail take new events again. Events recorded while it was stopped are not delivered by it.
     *
     * @throws IllegalArgumentException if there is no trail of that name
     */
    public void startLogging(String trail) {
        pipeline.setLogging(state(trail), true);
    }

    /**
     * Makes a trail stop taking new events; events already taken are still delivered.
     *
     * @throws IllegalArgumentException if there is no trail of that name
     */
    public void stopLogging(String trail) {
        Pipeline.TrailState state = state(trail);
        boolean was = pipeline.status(state).isLogging();
        pipeline.setLogging(state, false);
        InsightEngine engine = insights;
        if (was && engine != null) {
            engine.concealment("trail:" + trail, "StopLogging");
        }
    }

    /**
     * Returns the events matching the query, newest first, one page at a time, from the local journal: up to the
     * {@link Builder#retention retention} with a disk journal, what the memory journal still holds otherwise. Events
     * become visible to lookup as soon as the journal's writer has written them, within milliseconds of
     * {@link #record}.
     *
     * @throws IllegalArgumentException if the query's {@code nextToken} was not issued by this journal for the same
     *     filters
     */
    public LookupResult lookup(LookupQuery query) {
        return pipeline.lookup(query);
    }

    /**
     * Counts the events of the aggregation's query in the local journal, per time bucket and by the most frequent
     * values of an attribute; over the same events as {@link #lookup}.
     *
     * @throws IllegalArgumentException if the histogram would have more than {@link Aggregation#MAX_BUCKETS} buckets
     */
    public AggregationResult aggregate(Aggregation aggregation) {
        return pipeline.aggregate(aggregation);
    }

    /**
     * Returns the local journal as an {@link EventStore}: the same lookups and aggregations as {@link #lookup} and
     * {@link #aggregate}, for code written against the interface that a shared store (such as the OpenSearch sink's)
     * also implements. Always the same instance.
     */
    public EventStore eventStore() {
        return eventStore;
    }

    /**
     * Opens the journal another process keeps in {@code dataDir} (see {@link Builder#dataDir}) read-only, to look its
     * events up, count them and follow what it appends: that process may still be running on this host, or the
     * directory may be a copy from another host. Nothing in the directory is written, locked or deleted; see
     * {@link ReadOnlyJournal}. Lookups without a start time cover the last 7 days as usual; no retention limits them.
     * Close it to release its files.
     *
     * @throws IllegalArgumentException if {@code dataDir} is not a directory or holds no journal
     * @throws java.io.UncheckedIOException if the directory cannot be read
     */
    public static ReadOnlyJournal openReadOnly(Path dataDir) {
        return ReadOnlyStore.open(dataDir, Clock.systemUTC());
    }

    /** Returns the state of insight detection; {@link InsightsStatus#disabled()} when insights are off. */
    public InsightsStatus insightsStatus() {
        InsightEngine engine = insights;
        return engine == null ? InsightsStatus.disabled() : engine.status();
    }

    /**
     * Returns one counter's rollup over {@code [from, to)}: closed buckets of one minute (kept 15 days), five minutes
     * (63 days) or one hour (90 days); empty when insights are off or the counter never counted.
     *
     * @throws IllegalArgumentException unless the resolution is 1 minute, 5 minutes or 1 hour
     */
    public CounterSeries insightCounters(CounterKey key, Instant from, Instant to, Duration resolution) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(resolution, "resolution");
        InsightEngine engine = insights;
        if (engine == null) {
            if (!resolution.equals(Duration.ofMinutes(1))
                    && !resolution.equals(Duration.ofMinutes(5))
                    && !resolution.equals(Duration.ofHours(1))) {
                throw new IllegalArgumentException("resolution must be 1 minute, 5 minutes or 1 hour: " + resolution);
            }
            return new CounterSeries(key, resolution, List.of());
        }
        return engine.series(key, from, to, resolution);
    }

    /** Returns the state of the local journal: its size, and whether it is degraded (disk full or failing). */
    public JournalStatus journalStatus() {
        return pipeline.journalStatus();
    }

    /**
     * Returns the state of the journal's tamper evidence: the signing key's ID and fingerprint, how many entries the
     * Merkle log holds and the latest signed checkpoint; empty when it was not configured ({@link Builder#integrity}).
     */
    public Optional<IntegrityStatus> integrityStatus() {
        IntegrityLog log = pipeline.integrity();
        return log == null ? Optional.empty() : Optional.of(log.status());
    }

    /**
     * Returns the proof, in the C2SP tlog-proof form, that the event with this id is in the journal's Merkle log as
     * a signed checkpoint commits to it; the proof carries the event's journal line, so the proof, the public key and
     * the JDK verify it ({@link InclusionProof#verify}). An event recorded in the last moments is covered once the
     * journal has fsynced it.
     *
     * @throws IllegalArgumentException if the journal holds no event with this id, or not yet durably
     * @throws IllegalStateException if tamper evidence was not configured
     */
    public InclusionProof inclusionProof(String eventId) {
        Objects.requireNonNull(eventId, "eventId");
        IntegrityLog log = integrityLog();
        long position = pipeline.positionOf(eventId);
        if (position < 0) {
            throw new IllegalArgumentException("the journal holds no event with id " + eventId);
        }
        return log.inclusionProof(position);
    }

    /**
     * Returns the RFC 9162 consistency proof that the log's tree of {@code size1} entries is a prefix of its tree of
     * {@code size2}: that nothing was changed or removed between two checkpoints.
     *
     * @throws IllegalArgumentException unless {@code 1 <= size1 <= size2 <=} the log's size
     * @throws IllegalStateException if tamper evidence was not configured
     */
    public List<byte[]> consistencyProof(long size1, long size2) {
        return integrityLog().consistencyProof(size1, size2);
    }

    /**
     * Verifies a journal's data directory against its signed checkpoints, offline and read-only: every line against
     * the Merkle tree the checkpoints commit to, every checkpoint's signature against the trusted keys, the heartbeat
     * between checkpoints. Run it on a copy, or on the directory of a stopped or running instance.
     *
     * @param dataDir the journal's directory
     * @param trustedKeys every key that signed checkpoints of this journal
     * @param heartbeat the heartbeat interval the instance was configured with
     * @throws UncheckedIOException if the directory cannot be read
     */
    public static VerificationReport verify(Path dataDir, Collection<VerifierKey> trustedKeys, Duration heartbeat) {
        try {
            return new JournalVerifier(dataDir, List.copyOf(trustedKeys), heartbeat).verify();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Verifies what a sink holds of a trail against the trail's signed checkpoints, offline and read-only: a local copy
     * of an object store prefix (a directory: the objects and their manifests, {@code *.json}, as the S3 sink
     * writes them), or a file of JSON lines with {@code {"actiontrailCheckpoint": ...}} lines after the events they
     * cover (as the SLF4J sink logs them, or a webhook receiver appends them). Every trail and sink found is checked:
     * events deleted, changed, added or reordered, objects deleted, signatures, forks, heartbeats.
     *
     * @param copy the copy: a directory or a file
     * @param trustedKeys every key that signed the trail's checkpoints
     * @param heartbeat the heartbeat interval the instance was configured with
     * @param asOf when the copy was taken, to tell a cut tail (the newest checkpoint too old to be the last); {@code
     *     null} to skip that check
     * @throws UncheckedIOException if the copy cannot be read
     */
    public static VerificationReport verifyTrail(
            Path copy, Collection<VerifierKey> trustedKeys, Duration heartbeat, @Nullable Instant asOf) {
        try {
            return new TrailVerifier(List.copyOf(trustedKeys), heartbeat, asOf).verify(copy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + copy + ": " + e.getMessage(), e);
        }
    }

    private IntegrityLog integrityLog() {
        IntegrityLog log = pipeline.integrity();
        if (log == null) {
            throw new IllegalStateException("tamper evidence is not configured: ActionTrail.builder().integrity(...)");
        }
        return log;
    }

    /** Returns how many journal lines lookups have visited since the start; for tests of the time index. */
    long linesScannedByLookups() {
        return pipeline.linesScannedByLookups();
    }

    /** Applies retention and quota now; for tests that move a clock. */
    void maintainJournal() {
        pipeline.maintain();
    }

    private Pipeline.TrailState state(String trail) {
        Objects.requireNonNull(trail, "trail");
        Pipeline.TrailState state = pipeline.trail(trail);
        if (state == null) {
            throw new IllegalArgumentException("no trail named '" + trail + "'; trails: " + trailNames());
        }
        return state;
    }

    private List<String> trailNames() {
        List<String> names = new ArrayList<>();
        for (Trail trail : pipeline.trails()) {
            names.add(trail.name());
        }
        return names;
    }

    /**
     * Waits until every event recorded before this call has been delivered to every sink that selects it, or given
     * up. Lingering batches are sent at once.
     *
     * @return {@code true} if everything was delivered or dropped within the timeout, {@code false} otherwise
     */
    public boolean flush(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return pipeline.flush(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Delivers what can be delivered within the configured shutdown timeout, then stops. Events still undelivered
     * stay in the disk journal and are delivered after the next start; with {@link Durability#MEMORY} they are
     * counted as dropped with reason {@code shutdown}. Recording after close drops the event, counted. Closing twice
     * has no further effect.
     */
    @Override
    public void close() {
        close(shutdownTimeout);
    }

    /** Like {@link #close()}, with the given timeout for pending deliveries. */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        InsightEngine engine = insights;
        if (engine != null) {
            // before the recorder closes, so that an insight being announced is recorded; what is recorded after is
            // counted from the journal at the next start
            engine.close();
        }
        if (!recorder.close()) {
            return;
        }
        pipeline.close(timeout);
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
    }

    private static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** Builds an {@link ActionTrail}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String serviceName;
        private @Nullable String region;
        private @Nullable String eventSource;
        private Durability durability = Durability.GROUP;
        private Path dataDir = DEFAULT_DATA_DIR;
        private Duration fsyncInterval = DEFAULT_FSYNC_INTERVAL;
        private long segmentBytes = DEFAULT_SEGMENT_BYTES;
        private Duration retention = DEFAULT_RETENTION;
        private long maxDiskBytes = DEFAULT_MAX_DISK_BYTES;
        private long memoryCapacity = DEFAULT_MEMORY_CAPACITY_BYTES;
        private Set<String> redactKeys = DEFAULT_REDACT_KEYS;
        private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
        private int maxDepth = Snapshotter.DEFAULT_MAX_DEPTH;
        private int maxStringLength = Snapshotter.DEFAULT_MAX_STRING_LENGTH;
        private int maxCollectionElements = Snapshotter.DEFAULT_MAX_ELEMENTS;
        private final Map<String, Trail> trails = new LinkedHashMap<>();
        private DeliveryListener listener = DeliveryListener.NOOP;
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threadFactory = runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        };
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private boolean shutdownHook = true;
        private boolean queryIndex = true;
        private @Nullable Integrity integrity;
        private Insights insights = Insights.defaults();

        private Builder() {}

        /** Sets the name of the application recording events; required. */
        public Builder serviceName(String serviceName) {
            this.serviceName = requireText(serviceName, "serviceName");
            return this;
        }

        /** Sets the deployment region, for example {@code cn-hangzhou}. */
        public Builder region(@Nullable String region) {
            this.region = region == null ? null : requireText(region, "region");
            return this;
        }

        /** Sets the serving host or endpoint; defaults to the local host name. */
        public Builder eventSource(String eventSource) {
            this.eventSource = requireText(eventSource, "eventSource");
            return this;
        }

        /** Sets how events are kept before delivery; defaults to {@link Durability#GROUP}. */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * Sets the journal's directory, created if absent; defaults to {@code ./actiontrail-data}. One instance at a
         * time may use a directory: another process or instance opening it fails with a clear error.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Sets the longest time between two fsyncs in {@link Durability#GROUP} mode, 1 ms to 10 s; defaults to 100 ms. */
        public Builder fsyncInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("fsyncInterval must be between 1 ms and 10 s: " + interval);
            }
            this.fsyncInterval = interval;
            return this;
        }

        /** Sets the size at which a journal segment is rolled, at least 64 KiB; defaults to 64 MiB. */
        public Builder segmentBytes(long bytes) {
            if (bytes < 64 * 1024) {
                throw new IllegalArgumentException("segmentBytes must be at least 64 KiB: " + bytes);
            }
            this.segmentBytes = bytes;
            return this;
        }

        /** Sets how long journaled events are kept and can be looked up, at least 1 hour; defaults to 90 days. */
        public Builder retention(Duration retention) {
            Objects.requireNonNull(retention, "retention");
            if (retention.compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException("retention must be at least 1 hour: " + retention);
            }
            this.retention = retention;
            return this;
        }

        /**
         * Sets the most disk space the journal uses; the oldest segments are deleted beyond it. Must be at least four
         * segments; defaults to 10 GiB.
         */
        public Builder maxDiskBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxDiskBytes must be positive: " + bytes);
            }
            this.maxDiskBytes = bytes;
            return this;
        }

        /** Sets the most bytes the {@link Durability#MEMORY} journal holds; defaults to 64 MiB. */
        public Builder memoryCapacity(long bytes) {
            if (bytes < 1024 * 1024) {
                throw new IllegalArgumentException("memoryCapacity must be at least 1 MiB: " + bytes);
            }
            this.memoryCapacity = bytes;
            return this;
        }

        /**
         * Replaces the keys whose values are redacted at recording (see {@link #DEFAULT_REDACT_KEYS}); an empty set
         * turns redaction by key off, leaving {@link Sensitive} and {@link AuditIgnore}. Values given to the
         * parameter setters of {@link AuditEvent.Builder} are snapshotted at once and redacted with the default keys
         * there, so that an event is safe to print even before it is recorded.
         */
        public Builder redactKeys(Collection<String> keys) {
            Objects.requireNonNull(keys, "keys");
            Set<String> copy = new LinkedHashSet<>();
            for (String key : keys) {
                copy.add(requireText(key, "redact key"));
            }
            this.redactKeys = Set.copyOf(copy);
            return this;
        }

        /** Sets the cap on one encoded event, at least 4 KiB; defaults to 256 KiB. */
        public Builder maxEventBytes(int bytes) {
            if (bytes < EventEncoder.MIN_MAX_EVENT_BYTES) {
                throw new IllegalArgumentException(
                        "maxEventBytes must be at least " + EventEncoder.MIN_MAX_EVENT_BYTES + ": " + bytes);
            }
            this.maxEventBytes = bytes;
            return this;
        }

        /** Sets how deep argument objects are followed, from 1 to 64; defaults to 12. */
        public Builder maxArgumentDepth(int depth) {
            if (depth < 1 || depth > Snapshotter.MAX_DEPTH_LIMIT) {
                throw new IllegalArgumentException(
                        "maxArgumentDepth must be between 1 and " + Snapshotter.MAX_DEPTH_LIMIT + ": " + depth);
            }
            this.maxDepth = depth;
            return this;
        }

        /** Sets the longest string kept in arguments before it is cut; defaults to 8,192 characters. */
        public Builder maxStringLength(int length) {
            if (length < 16) {
                throw new IllegalArgumentException("maxStringLength must be at least 16: " + length);
            }
            this.maxStringLength = length;
            return this;
        }

        /** Sets how many elements of a collection, array or map are kept; defaults to 256. */
        public Builder maxCollectionElements(int elements) {
            if (elements < 1) {
                throw new IllegalArgumentException("maxCollectionElements must be positive: " + elements);
            }
            this.maxCollectionElements = elements;
            return this;
        }

        /**
         * Adds a trail.
         *
         * @throws IllegalArgumentException if a trail of the same name was already added
         */
        public Builder trail(Trail trail) {
            Objects.requireNonNull(trail, "trail");
            if (trails.containsKey(trail.name())) {
                throw new IllegalArgumentException("a trail named '" + trail.name() + "' was already added");
            }
            trails.put(trail.name(), trail);
            return this;
        }

        /** Sets the listener told of deliveries, failures and drops. */
        public Builder deliveryListener(DeliveryListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Sets the clock for event times and status; defaults to the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets the factory of the delivery threads; defaults to daemon threads. */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /** Sets how long {@link ActionTrail#close()} waits for pending deliveries; defaults to 10 seconds. */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative: " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /** Sets whether a JVM shutdown hook closes the instance; defaults to {@code true}. */
        public Builder shutdownHook(boolean enabled) {
            this.shutdownHook = enabled;
            return this;
        }

        /**
         * Sets whether the journal keeps the secondary index behind lookups and aggregations; defaults to {@code true}.
         * Off, lookups and aggregations scan the journal's lines in the queried time range (the same answers, slower).
         */
        public Builder queryIndex(boolean enabled) {
            this.queryIndex = enabled;
            return this;
        }

        /**
         * Keeps tamper evidence for the journal: a Merkle log of every journaled line, with checkpoints signed by the
         * given key, in {@code <dataDir>/integrity}. Requires a disk journal. Off by default.
         */
        public Builder integrity(Integrity integrity) {
            this.integrity = Objects.requireNonNull(integrity, "integrity");
            return this;
        }

        /**
         * Sets insight detection: unusual call and error rates, new source networks, access keys, trail concealment,
         * password and policy changes, recorded as insight events ({@link EventType#INSIGHT}) and told to the
         * {@link DeliveryListener#onInsight}. On by default ({@link Insights#defaults()}); {@link Insights#disabled()}
         * turns it off. With a disk journal its counters and state live in {@code <dataDir>/insights}.
         */
        public Builder insights(Insights insights) {
            this.insights = Objects.requireNonNull(insights, "insights");
            return this;
        }

        /**
         * Returns a started instance: the journal is opened and recovered (a torn last write is cut off), and every
         * trail's sinks resume from their persisted cursors.
         *
         * @throws IllegalStateException if no service name was set, there are more than 64 trail-sink pairs, or the
         *     journal cannot be opened (for example because another process uses the same {@code dataDir})
         */
        public ActionTrail build() {
            String name = serviceName;
            if (name == null) {
                throw new IllegalStateException("serviceName is required: the name of the application");
            }
            int routes = 0;
            for (Trail trail : trails.values()) {
                routes += trail.sinks().size();
            }
            if (routes > Pipeline.MAX_ROUTES) {
                throw new IllegalStateException(
                        "at most " + Pipeline.MAX_ROUTES + " trail-sink pairs are supported: " + routes);
            }
            if (integrity != null && durability == Durability.MEMORY) {
                throw new ConflictingSettingsException(
                        "integrity", "tamper evidence needs a disk journal, not Durability.MEMORY");
            }
            if (maxDiskBytes < 4 * segmentBytes) {
                throw new ConflictingSettingsException(
                        "maxDiskBytes",
                        "maxDiskBytes (" + maxDiskBytes + ") must hold at least four segments of segmentBytes ("
                                + segmentBytes + ")");
            }
            return new ActionTrail(this, name);
        }

        JournalSettings journalSettings() {
            return new JournalSettings(
                    dataDir,
                    durability,
                    fsyncInterval,
                    segmentBytes,
                    retention,
                    maxDiskBytes,
                    memoryCapacity,
                    queryIndex);
        }

        private static String requireText(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value;
        }
    }

    /** The journal as an {@link EventStore}. */
    private record JournalStore(Pipeline pipeline) implements EventStore {
        @Override
        public LookupResult lookup(LookupQuery query) {
            return pipeline.lookup(query);
        }

        @Override
        public AggregationResult aggregate(Aggregation aggregation) {
            return pipeline.aggregate(aggregation);
        }
    }
}
