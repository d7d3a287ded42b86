package io.actiontrail.sink.s3;

import io.actiontrail.AuditEvent;
import io.actiontrail.ConflictingSettingsException;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.integrity.TrailManifest;
import io.actiontrail.sink.AbstractAuditSink;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Delivers audit events to S3-compatible object storage — AWS S3, Alibaba Cloud OSS through its S3-compatible
 * endpoint, MinIO — as one gzip-compressed JSON-lines object per batch, for long-term retention that Athena, Spark,
 * DuckDB or {@code zcat | jq} read directly.
 *
 * <pre>{@code
 * AuditSink archive = S3AuditSink.builder(s3Client, "audit-archive")
 *         .prefix("prod")
 *         .serviceName("orders")
 *         .region("cn-hangzhou")
 *         .build();
 * }</pre>
 *
 * <p><b>Keys.</b> Each object holds the events of one UTC day and is named
 * {@code {prefix}/ActionTrail/{serviceName}/{region}/{yyyy}/{MM}/{dd}/{serviceName}_ActionTrail_{region}_{yyyyMMdd'T'HHmmss'Z'}_{uniqueId}.json.gz}:
 * the date and time are those of the object's oldest event, and the unique id is derived from the ids of the events it
 * holds. A batch whose events span several days (or, when the service name and region come from the events, several
 * services or regions) is written as one object per day, each with the events of that day in journal order. A batch
 * that is retried after a failure produces the same keys and overwrites its own objects, so a retry never duplicates
 * an object; different event sets, such as two trails writing to the same prefix, never share a key.
 *
 * <p><b>Content and metadata.</b> An object gunzips to the events' JSON lines, each followed by {@code \n}, in journal
 * order. Its user metadata says {@value #METADATA_EVENT_COUNT}, {@value #METADATA_OLDEST_EVENT_TIME},
 * {@value #METADATA_NEWEST_EVENT_TIME} (ISO-8601 UTC) and {@value #METADATA_CONTENT_SHA256} (lowercase hex SHA-256 of the
 * uncompressed content), which {@link S3EventReader} verifies. Each upload carries a {@code Content-MD5} header, so the
 * server checks the bytes it stores whatever the client's checksum mode.
 *
 * <p><b>Batching.</b> By default ({@link #DEFAULT_BATCHING}) a batch is sent when its oldest event has waited 60
 * seconds or it holds 64 MiB of uncompressed JSON, whichever comes first.
 *
 * <p><b>Failures.</b> Every failure is {@linkplain DeliveryException#isRetryable() retryable} and carries the server's
 * error code ({@code SlowDown}, {@code SignatureDoesNotMatch}, {@code AccessDenied}, {@code NoSuchBucket}, …) into the
 * trail's status: outages and throttling pass, configuration errors are fixed by an operator, and in both cases the
 * backlog waits in the journal instead of being dropped. Server-side encryption, storage class and Object Lock
 * options that the server refuses show up the same way, on the first write.
 *
 * <p>The {@link S3Client} given to {@link #builder(S3Client, String)} is borrowed and stays open when the sink is
 * closed; a client created from an {@link S3Connection} is closed with the sink.
 *
 * <p>Thread-safe to share; {@link #write} is called by the pipeline from one thread at a time.
 *
 * <p>Over 500 lines because of its builder, which checks and documents each S3 setting (encryption, storage class,
 * Object Lock, key layout) where users read it; writing an object is the smaller part.
 */
public final class S3AuditSink extends AbstractAuditSink {

    /** The default sink name: {@value}. */
    public static final String DEFAULT_NAME = "s3";

    /**
     * The default batching: an object when the oldest event has waited 60 seconds or 64 MiB of uncompressed JSON are
     * there; the limit of 1,000,000 events rarely comes first.
     */
    public static final Batching DEFAULT_BATCHING = new Batching(1_000_000, 64L * 1024 * 1024, Duration.ofSeconds(60));

    /** The largest accepted setting of uncompressed bytes per batch: 1 GiB, as a batch is compressed in memory. */
    public static final long MAX_BATCH_BYTES_LIMIT = 1024L * 1024 * 1024;

    /** The key segment used for events without a region, when the sink has none configured: {@value}. */
    public static final String NO_REGION = "global";

    /** The key segment used for events without a service name, when the sink has none configured: {@value}. */
    public static final String NO_SERVICE_NAME = "unknown";

    /** User metadata: the number of events in the object. */
    public static final String METADATA_EVENT_COUNT = "event-count";

    /** User metadata: the earliest event time in the object, ISO-8601 UTC. */
    public static final String METADATA_OLDEST_EVENT_TIME = "oldest-event-time";

    /** User metadata: the latest event time in the object, ISO-8601 UTC. */
    public static final String METADATA_NEWEST_EVENT_TIME = "newest-event-time";

    /** User metadata: the lowercase hex SHA-256 of the object's uncompressed content. */
    public static final String METADATA_CONTENT_SHA256 = "content-sha256";

    /** The objects' content type: {@value}. */
    public static final String CONTENT_TYPE = "application/gzip";

    /** The content type of a checkpoint manifest: {@value}. */
    public static final String MANIFEST_CONTENT_TYPE = "application/json";

    private final S3Client client;
    private final String bucket;
    private final ObjectKeys keys;
    private final @Nullable String serviceName;
    private final @Nullable String region;
    private final @Nullable ServerSideEncryption serverSideEncryption;
    private final @Nullable String kmsKeyId;
    private final @Nullable String storageClass;
    private final @Nullable ObjectLockMode objectLockMode;
    private final @Nullable Duration objectLockRetention;
    private final Clock clock;

    private S3AuditSink(Builder builder, S3Client client, boolean ownsClient) {
        super("S3 sink", builder, ownsClient ? client::close : () -> {});
        this.client = client;
        this.bucket = builder.bucket;
        this.keys = new ObjectKeys(builder.prefix);
        this.serviceName = builder.serviceName;
        this.region = builder.region;
        this.serverSideEncryption = builder.serverSideEncryption;
        this.kmsKeyId = builder.kmsKeyId;
        this.storageClass = builder.storageClass;
        this.objectLockMode = builder.objectLockMode;
        this.objectLockRetention = builder.objectLockRetention;
        this.clock = builder.clock;
    }

    /**
     * Returns a builder for a sink that writes to {@code bucket} with the given client, which it borrows: the
     * application configures it (endpoint, region, credentials, checksum mode; see {@link S3Connection}) and closes
     * it.
     */
    public static Builder builder(S3Client client, String bucket) {
        Objects.requireNonNull(client, "client");
        return new Builder(client, null, bucket);
    }

    /**
     * Returns a builder for a sink that writes to {@code bucket} through a client it creates from {@code connection}
     * when built, and closes when it is closed.
     */
    public static Builder builder(S3Connection connection, String bucket) {
        Objects.requireNonNull(connection, "connection");
        return new Builder(null, connection, bucket);
    }

    /**
     * Writes the batch as one object per UTC day (and per service and region, when those come from the events).
     *
     * @throws DeliveryException when an upload failed; always retryable, with the server's error code when it gave one
     * @throws IllegalStateException if the sink was closed
     */
    @Override
    public void write(AuditBatch batch) throws DeliveryException {
        Objects.requireNonNull(batch, "batch");
        checkOpen();
        Map<Partition, List<AuditRecord>> parts = partition(batch);
        List<TrailManifest.Part> written = new ArrayList<>(parts.size());
        for (Map.Entry<Partition, List<AuditRecord>> part : parts.entrySet()) {
            String key = put(part.getKey(), part.getValue());
            written.add(new TrailManifest.Part(key.substring(keys.base().length()), leavesOf(batch, part.getValue())));
        }
        Optional<SignedNote> checkpoint = batch.checkpoint();
        if (checkpoint.isPresent()) {
            putManifest(new TrailManifest(checkpoint.get(), written));
        }
    }

    /**
     * Writes a checkpoint without events (a heartbeat, or the last at a clean stop) as a manifest that lists no object,
     * under {@code {prefix}/ActionTrail-Checkpoint/}, with the Object Lock settings of the events' objects.
     *
     * @throws DeliveryException when the upload failed; retryable
     */
    @Override
    public void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {
        Objects.requireNonNull(checkpoint, "checkpoint");
        checkOpen();
        putManifest(new TrailManifest(checkpoint, List.of()));
    }

    /** The leaf ranges of one object's records, which are the batch's records in order. */
    private static String leavesOf(AuditBatch batch, List<AuditRecord> records) {
        if (batch.checkpoint().isEmpty()) {
            return "";
        }
        java.util.IdentityHashMap<AuditRecord, Integer> index = new java.util.IdentityHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            index.put(batch.records().get(i), i);
        }
        long[] leaves = new long[records.size()];
        for (int i = 0; i < leaves.length; i++) {
            leaves[i] = batch.leafIndex(Objects.requireNonNull(index.get(records.get(i))));
        }
        return TrailManifest.ranges(leaves);
    }

    private void putManifest(TrailManifest manifest) throws DeliveryException {
        String key = keys.manifestKey(manifest.checkpoint(), clock.instant());
        byte[] body = manifest.toJson().getBytes(StandardCharsets.UTF_8);
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentType(MANIFEST_CONTENT_TYPE)
                .contentLength((long) body.length)
                .contentMD5(Base64.getEncoder().encodeToString(md5(body)));
        lock(request);
        try {
            client.putObject(request.build(), RequestBody.fromBytes(body));
        } catch (SdkException e) {
            throw S3Failures.toDeliveryException("PutObject", bucket, key, e);
        }
    }

    private static byte[] md5(byte[] body) {
        try {
            return MessageDigest.getInstance("MD5").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    private void lock(PutObjectRequest.Builder request) {
        Duration retention = objectLockRetention;
        if (objectLockMode != null && retention != null) {
            request.objectLockMode(objectLockMode)
                    .objectLockRetainUntilDate(clock.instant().plus(retention));
        }
    }

    /** Returns the keys the batch is written to, in writing order; the same for every retry of the batch. */
    List<String> keysOf(AuditBatch batch) {
        List<String> result = new ArrayList<>();
        for (Map.Entry<Partition, List<AuditRecord>> part : partition(batch).entrySet()) {
            result.add(keyOf(part.getKey(), part.getValue()));
        }
        return result;
    }

    private Map<Partition, List<AuditRecord>> partition(AuditBatch batch) {
        Map<Partition, List<AuditRecord>> parts = new LinkedHashMap<>();
        for (AuditRecord record : batch.records()) {
            LocalDate day = record.eventTime().atZone(ZoneOffset.UTC).toLocalDate();
            String service = serviceName;
            String reg = region;
            if (service == null || reg == null) {
                AuditEvent event = decode(record);
                if (service == null) {
                    service = event == null || event.serviceName() == null ? NO_SERVICE_NAME : event.serviceName();
                }
                if (reg == null) {
                    reg = event == null || event.region() == null ? NO_REGION : event.region();
                }
            }
            parts.computeIfAbsent(new Partition(service, reg, day), p -> new ArrayList<>())
                    .add(record);
        }
        return parts;
    }

    private static @Nullable AuditEvent decode(AuditRecord record) {
        try {
            return record.event();
        } catch (RuntimeException e) {
            // the raw line is still archived, under the default service name and region
            return null;
        }
    }

    private String keyOf(Partition part, List<AuditRecord> records) {
        Instant oldest = records.get(0).eventTime();
        List<String> ids = new ArrayList<>(records.size());
        for (AuditRecord record : records) {
            ids.add(record.eventId());
            if (record.eventTime().isBefore(oldest)) {
                oldest = record.eventTime();
            }
        }
        return keys.key(part.serviceName(), part.region(), oldest, ObjectKeys.uniqueId(ids));
    }

    private String put(Partition part, List<AuditRecord> records) throws DeliveryException {
        String key = keyOf(part, records);
        Content content = Content.of(records);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(METADATA_EVENT_COUNT, String.valueOf(records.size()));
        metadata.put(METADATA_OLDEST_EVENT_TIME, content.oldest.toString());
        metadata.put(METADATA_NEWEST_EVENT_TIME, content.newest.toString());
        metadata.put(METADATA_CONTENT_SHA256, content.sha256);
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentType(CONTENT_TYPE)
                .contentLength((long) content.gzip.length)
                .contentMD5(content.md5Base64)
                .metadata(metadata);
        if (serverSideEncryption != null) {
            request.serverSideEncryption(serverSideEncryption);
        }
        if (kmsKeyId != null) {
            request.ssekmsKeyId(kmsKeyId);
        }
        if (storageClass != null) {
            request.storageClass(storageClass);
        }
        lock(request);
        try {
            client.putObject(request.build(), RequestBody.fromBytes(content.gzip));
        } catch (SdkException e) {
            throw S3Failures.toDeliveryException("PutObject", bucket, key, e);
        }
        return key;
    }

    /** Returns the bucket the sink writes to. */
    public String bucket() {
        return bucket;
    }

    /** Returns the key prefix under which the sink writes: {@code {prefix}/ActionTrail/}. */
    public String keyPrefix() {
        return keys.root();
    }

    @Override
    public String toString() {
        return "S3AuditSink{" + name() + ", s3://" + bucket + "/" + keys.root() + '}';
    }

    private record Partition(String serviceName, String region, LocalDate day) {}

    /** One object's body: gzip-compressed JSON lines, with the digests and times the metadata needs. */
    private static final class Content {
        final byte[] gzip;
        final String sha256;
        final String md5Base64;
        final Instant oldest;
        final Instant newest;

        private Content(byte[] gzip, String sha256, String md5Base64, Instant oldest, Instant newest) {
            this.gzip = gzip;
            this.sha256 = sha256;
            this.md5Base64 = md5Base64;
            this.oldest = oldest;
            this.newest = newest;
        }

        static Content of(List<AuditRecord> records) {
            MessageDigest sha256 = ObjectKeys.sha256();
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            Instant oldest = records.get(0).eventTime();
            Instant newest = oldest;
            try (OutputStream out = new DigestOutputStream(new GZIPOutputStream(compressed, 64 * 1024), sha256)) {
                for (AuditRecord record : records) {
                    record.writeTo(out);
                    out.write('\n');
                    Instant time = record.eventTime();
                    if (time.isBefore(oldest)) {
                        oldest = time;
                    }
                    if (time.isAfter(newest)) {
                        newest = time;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("compressing in memory cannot fail", e);
            }
            byte[] gzip = compressed.toByteArray();
            return new Content(
                    gzip,
                    HexFormat.of().formatHex(sha256.digest()),
                    Base64.getEncoder().encodeToString(md5(gzip)),
                    oldest,
                    newest);
        }

        private static byte[] md5(byte[] bytes) {
            try {
                return MessageDigest.getInstance("MD5").digest(bytes);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has MD5", e);
            }
        }
    }

    /**
     * Builds an {@link S3AuditSink}. Every setting has a plain type (text, number, {@link Duration}), so configuration
     * properties map onto it one to one. Not thread-safe.
     */
    public static final class Builder extends AbstractAuditSink.Builder<Builder> {
        private final @Nullable S3Client client;
        private final @Nullable S3Connection connection;
        private final String bucket;
        private String prefix = "";
        private @Nullable String serviceName;
        private @Nullable String region;
        private @Nullable ServerSideEncryption serverSideEncryption;
        private @Nullable String kmsKeyId;
        private @Nullable String storageClass;
        private @Nullable ObjectLockMode objectLockMode;
        private @Nullable Duration objectLockRetention;
        private Clock clock = Clock.systemUTC();

        private Builder(@Nullable S3Client client, @Nullable S3Connection connection, String bucket) {
            super(DEFAULT_NAME, DEFAULT_BATCHING);
            this.client = client;
            this.connection = connection;
            this.bucket = ObjectKeys.requireBucket(bucket);
        }

        /**
         * Sets the key prefix, such as {@code prod/audit}; leading and trailing slashes are ignored. Defaults to none:
         * keys start with {@code ActionTrail/}.
         *
         * @throws IllegalArgumentException if it has an empty segment ({@code a//b})
         */
        public Builder prefix(String prefix) {
            this.prefix = ObjectKeys.normalizePrefix(prefix);
            return this;
        }

        /**
         * Sets the service name in the keys, usually the {@code serviceName} of the ActionTrail. Defaults to each
         * event's own {@code serviceName} ({@value S3AuditSink#NO_SERVICE_NAME} when absent), which costs decoding
         * the events of a batch. Characters other than letters, digits, {@code . _ -} become {@code -} in keys.
         *
         * @throws IllegalArgumentException if it is blank
         */
        public Builder serviceName(String serviceName) {
            this.serviceName = Checks.requireText(serviceName, "serviceName");
            return this;
        }

        /**
         * Sets the region in the keys, such as {@code cn-hangzhou}, usually the ActionTrail's region. Defaults to each
         * event's own {@code region} ({@value S3AuditSink#NO_REGION} when absent).
         *
         * @throws IllegalArgumentException if it is blank
         */
        public Builder region(String region) {
            this.region = Checks.requireText(region, "region");
            return this;
        }

        /**
         * Takes batching whose byte limit is at most {@link S3AuditSink#MAX_BATCH_BYTES_LIMIT}: a batch is compressed
         * in memory, typically to a tenth of its {@link Batching#maxBytes() maxBytes}. The default is
         * {@link S3AuditSink#DEFAULT_BATCHING}; a longer linger means fewer, larger objects.
         */
        @Override
        protected Batching check(Batching batching) {
            if (batching.maxBytes() > MAX_BATCH_BYTES_LIMIT) {
                throw new IllegalArgumentException(
                        "batching.maxBytes must be at most " + MAX_BATCH_BYTES_LIMIT + ": " + batching.maxBytes());
            }
            return batching;
        }

        /**
         * Sets server-side encryption: {@code AES256} (keys managed by the server) or {@code aws:kms} (with
         * {@link #kmsKeyId}, else the server's default KMS key). Defaults to none: the bucket's default applies.
         *
         * @throws IllegalArgumentException if it is another value
         */
        public Builder serverSideEncryption(String algorithm) {
            Objects.requireNonNull(algorithm, "algorithm");
            ServerSideEncryption sse = ServerSideEncryption.fromValue(algorithm.strip());
            if (sse != ServerSideEncryption.AES256 && sse != ServerSideEncryption.AWS_KMS) {
                throw new IllegalArgumentException(
                        "serverSideEncryption must be AES256 or aws:kms: '" + algorithm + "'");
            }
            this.serverSideEncryption = sse;
            return this;
        }

        /**
         * Sets the KMS key (id, ARN or alias) for {@code aws:kms} encryption.
         *
         * @throws IllegalArgumentException if it is blank
         */
        public Builder kmsKeyId(String kmsKeyId) {
            this.kmsKeyId = Checks.requireText(kmsKeyId, "kmsKeyId");
            return this;
        }

        /**
         * Sets the storage class, such as {@code STANDARD_IA}, {@code GLACIER_IR} or {@code DEEP_ARCHIVE} on AWS, or
         * {@code STANDARD_IA} / {@code GLACIER} on OSS; passed to the server as given. Defaults to the bucket's
         * default.
         *
         * @throws IllegalArgumentException if it is blank
         */
        public Builder storageClass(String storageClass) {
            this.storageClass = Checks.requireText(storageClass, "storageClass").toUpperCase(Locale.ROOT);
            return this;
        }

        /**
         * Sets the S3 Object Lock mode for every object: {@code GOVERNANCE} or {@code COMPLIANCE}. Needs a bucket
         * created with Object Lock enabled, and {@link #objectLockRetention}.
         *
         * @throws IllegalArgumentException if it is another value
         */
        public Builder objectLockMode(String mode) {
            Objects.requireNonNull(mode, "mode");
            ObjectLockMode parsed = ObjectLockMode.fromValue(mode.strip().toUpperCase(Locale.ROOT));
            if (parsed != ObjectLockMode.GOVERNANCE && parsed != ObjectLockMode.COMPLIANCE) {
                throw new IllegalArgumentException("objectLockMode must be GOVERNANCE or COMPLIANCE: '" + mode + "'");
            }
            this.objectLockMode = parsed;
            return this;
        }

        /**
         * Sets how long each object stays locked: it is retained until its upload time (by {@link #clock}) plus this.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder objectLockRetention(Duration retention) {
            Objects.requireNonNull(retention, "retention");
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("objectLockRetention must be positive: " + retention);
            }
            this.objectLockRetention = retention;
            return this;
        }

        /** Sets the clock for Object Lock retention dates; defaults to the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Returns the sink; built from an {@link S3Connection}, it creates its client now.
         *
         * @throws IllegalStateException if the settings do not fit together: a KMS key without {@code aws:kms}, or an
         *     Object Lock mode without a retention or the other way round
         */
        public S3AuditSink build() {
            if (kmsKeyId != null && serverSideEncryption != ServerSideEncryption.AWS_KMS) {
                throw new ConflictingSettingsException(
                        "kmsKeyId",
                        "kmsKeyId needs serverSideEncryption aws:kms, not "
                                + (serverSideEncryption == null ? "none" : serverSideEncryption.toString()));
            }
            if ((objectLockMode == null) != (objectLockRetention == null)) {
                throw new ConflictingSettingsException(
                        objectLockMode == null ? "objectLockMode" : "objectLockRetention",
                        "objectLockMode and objectLockRetention go together; got mode " + objectLockMode
                                + " and retention " + objectLockRetention);
            }
            S3Client given = client;
            if (given != null) {
                return new S3AuditSink(this, given, false);
            }
            return new S3AuditSink(
                    this, Objects.requireNonNull(connection, "connection").createClient(), true);
        }
    }
}
