package io.actiontrail.sink.s3;

import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads back what {@link S3AuditSink} archived: lists the objects of a time range by their day prefixes and streams
 * their events, for restoring, re-indexing and integrity checks.
 *
 * <pre>{@code
 * S3EventReader reader = S3EventReader.builder(s3Client, "audit-archive")
 *         .prefix("prod").serviceName("orders").region("cn-hangzhou")
 *         .build();
 * try (Stream<AuditRecord> day = reader.records(Instant.parse("2026-03-14T00:00:00Z"),
 *                                               Instant.parse("2026-03-15T00:00:00Z"))) {
 *     day.forEach(record -> reindex(record.json()));
 * }
 * }</pre>
 *
 * <p>Each object is downloaded and decompressed whole, and its content checked against the
 * {@value S3AuditSink#METADATA_CONTENT_SHA256} metadata (when the object has it) before any of its events is returned;
 * a mismatch throws {@link S3ObjectIntegrityException}. Delivery is at least once, so the same event may appear in more
 * than one object; de-duplicate by {@code eventId} where it matters. Failures of the S3 client propagate as the SDK's
 * unchecked exceptions.
 *
 * <p>The {@link S3Client} given to {@link #builder(S3Client, String)} is borrowed; a client created from an
 * {@link S3Connection} is closed by {@link #close()}.
 *
 * <p>Thread-safe; each returned stream is for one thread.
 */
public final class S3EventReader implements AutoCloseable {

    private final S3Client client;
    private final boolean ownsClient;
    private final String bucket;
    private final ObjectKeys keys;
    private final @Nullable String serviceName;
    private final @Nullable String region;
    private final boolean verifyChecksums;

    private S3EventReader(Builder builder, S3Client client, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.bucket = builder.bucket;
        this.keys = new ObjectKeys(builder.prefix);
        this.serviceName = builder.serviceName;
        this.region = builder.region;
        this.verifyChecksums = builder.verifyChecksums;
    }

    /** Returns a builder for a reader of {@code bucket} through the given client, which it borrows. */
    public static Builder builder(S3Client client, String bucket) {
        Objects.requireNonNull(client, "client");
        return new Builder(client, null, bucket);
    }

    /** Returns a builder for a reader of {@code bucket} through a client it creates from {@code connection}. */
    public static Builder builder(S3Connection connection, String bucket) {
        Objects.requireNonNull(connection, "connection");
        return new Builder(null, connection, bucket);
    }

    /**
     * Returns the keys of the objects that may hold events of {@code [from, to)}: every object under the day
     * prefixes of the range whose oldest event (the time in its name) is before {@code to}, ordered by day, then
     * service and region, then time. Without a configured service name or region, every one found under the prefix
     * is listed.
     *
     * @throws IllegalArgumentException if {@code to} is not after {@code from}
     */
    public List<String> keys(Instant from, Instant to) {
        checkRange(from, to);
        LocalDate first = from.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate last = to.minusNanos(1).atZone(ZoneOffset.UTC).toLocalDate();
        List<String> services = serviceName != null ? List.of(serviceName) : children(keys.root());
        List<String> result = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            for (String service : services) {
                List<String> regions = region != null ? List.of(region) : children(keys.servicePrefix(service));
                for (String reg : regions) {
                    for (String key : list(keys.dayPrefix(service, reg, day))) {
                        Instant time = timeInKey(key);
                        if (time == null || time.isBefore(to)) {
                            result.add(key);
                        }
                    }
                }
            }
        }
        return result;
    }

    /**
     * Streams every archived event with an event time in {@code [from, to)}, object by object in the order of
     * {@link #keys}, each object's events in the order they were written. Objects are fetched as the stream is
     * consumed.
     *
     * @throws IllegalArgumentException if {@code to} is not after {@code from}
     * @throws S3ObjectIntegrityException while streaming, when an object's content does not match its checksum
     */
    public Stream<AuditRecord> records(Instant from, Instant to) {
        List<String> objectKeys = keys(from, to);
        return objectKeys.stream()
                .flatMap(key -> read(key).stream())
                .filter(r -> !r.eventTime().isBefore(from) && r.eventTime().isBefore(to));
    }

    /**
     * Returns every event of one object, in the order they were written, after checking its content.
     *
     * @throws S3ObjectIntegrityException when the content does not match its checksum or is not valid gzip
     * @throws IllegalStateException when the object was written in another event format than the default
     */
    public List<AuditRecord> read(String key) {
        Objects.requireNonNull(key, "key");
        ResponseBytes<GetObjectResponse> object = client.getObjectAsBytes(
                GetObjectRequest.builder().bucket(bucket).key(key).build());
        String format = metadata(object.response().metadata(), S3AuditSink.METADATA_EVENT_FORMAT);
        if (format != null && !format.strip().equals(EventFormats.ACTIONTRAIL)) {
            throw new IllegalStateException("object s3://" + bucket + "/" + key + " holds events in format '" + format
                    + "'; only objects in the " + EventFormats.ACTIONTRAIL + " format are read back as events");
        }
        byte[] content = gunzip(key, object.asByteArrayUnsafe());
        if (verifyChecksums) {
            String expected = metadata(object.response().metadata(), S3AuditSink.METADATA_CONTENT_SHA256);
            if (expected != null) {
                MessageDigest sha256 = ObjectKeys.sha256();
                String actual = HexFormat.of().formatHex(sha256.digest(content));
                if (!actual.equalsIgnoreCase(expected.strip())) {
                    throw new S3ObjectIntegrityException(
                            bucket,
                            key,
                            "content does not match its checksum: SHA-256 of the uncompressed content is " + actual
                                    + " but the object's " + S3AuditSink.METADATA_CONTENT_SHA256 + " metadata says "
                                    + expected + "; the object was changed after it was written");
                }
            }
        }
        List<AuditRecord> records = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                if (i > start) {
                    String line = new String(content, start, i - start, StandardCharsets.UTF_8);
                    if (!line.isBlank()) {
                        try {
                            records.add(AuditRecord.parse(line));
                        } catch (IllegalArgumentException e) {
                            throw new S3ObjectIntegrityException(
                                    bucket, key, "line at byte " + start + " is not an audit event", e);
                        }
                    }
                }
                start = i + 1;
            }
        }
        return records;
    }

    private byte[] gunzip(String key, byte[] gzip) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 64 * 1024)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new S3ObjectIntegrityException(bucket, key, "content is not valid gzip: " + e.getMessage(), e);
        }
    }

    private static @Nullable String metadata(Map<String, String> metadata, String name) {
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** Returns the names of the "directories" directly under a prefix. */
    private List<String> children(String prefix) {
        List<String> names = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(bucket)
                .prefix(prefix)
                .delimiter("/")
                .build();
        for (CommonPrefix common : client.listObjectsV2Paginator(request).commonPrefixes()) {
            String child = common.prefix().substring(prefix.length());
            if (child.endsWith("/")) {
                child = child.substring(0, child.length() - 1);
            }
            if (!child.isEmpty()) {
                names.add(child);
            }
        }
        return names;
    }

    private List<String> list(String prefix) {
        List<String> found = new ArrayList<>();
        ListObjectsV2Request request =
                ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
        for (S3Object object : client.listObjectsV2Paginator(request).contents()) {
            if (object.key().endsWith(ObjectKeys.SUFFIX)) {
                found.add(object.key());
            }
        }
        return found;
    }

    /** Returns the time in an object's name, or {@code null} if the name does not follow the layout. */
    static @Nullable Instant timeInKey(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        if (!name.endsWith(ObjectKeys.SUFFIX)) {
            return null;
        }
        String[] parts =
                name.substring(0, name.length() - ObjectKeys.SUFFIX.length()).split("_", -1);
        if (parts.length < 5) {
            return null;
        }
        String stamp = parts[parts.length - 2];
        if (stamp.length() != 16) {
            return null;
        }
        try {
            return Instant.parse(stamp.substring(0, 4) + "-" + stamp.substring(4, 6) + "-" + stamp.substring(6, 8)
                    + "T" + stamp.substring(9, 11) + ":" + stamp.substring(11, 13) + ":" + stamp.substring(13, 15)
                    + "Z");
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void checkRange(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("to must be after from: " + from + " .. " + to);
        }
    }

    /** Closes the client if the reader created it; a borrowed client stays open. */
    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "S3EventReader{s3://" + bucket + "/" + keys.root() + '}';
    }

    /** Builds an {@link S3EventReader}; the settings mirror those of the sink it reads. Not thread-safe. */
    public static final class Builder {
        private final @Nullable S3Client client;
        private final @Nullable S3Connection connection;
        private final String bucket;
        private String prefix = "";
        private @Nullable String serviceName;
        private @Nullable String region;
        private boolean verifyChecksums = true;

        private Builder(@Nullable S3Client client, @Nullable S3Connection connection, String bucket) {
            this.client = client;
            this.connection = connection;
            this.bucket = ObjectKeys.requireBucket(bucket);
        }

        /** Sets the key prefix the sink was given; defaults to none. */
        public Builder prefix(String prefix) {
            this.prefix = ObjectKeys.normalizePrefix(prefix);
            return this;
        }

        /**
         * Reads only this service's objects; defaults to every service found under the prefix.
         *
         * @throws IllegalArgumentException if it is blank
         */
        public Builder serviceName(String serviceName) {
            this.serviceName = Checks.requireText(serviceName, "serviceName");
            return this;
        }

        /**
         * Reads only this region's objects; defaults to every region found under each service.
         *
         * @throws IllegalArgumentException if it is blank
         */
        public Builder region(String region) {
            this.region = Checks.requireText(region, "region");
            return this;
        }

        /** Sets whether each object's content is checked against its SHA-256 metadata; defaults to {@code true}. */
        public Builder verifyChecksums(boolean verifyChecksums) {
            this.verifyChecksums = verifyChecksums;
            return this;
        }

        /** Returns the reader; built from an {@link S3Connection}, it creates its client now. */
        public S3EventReader build() {
            S3Client given = client;
            if (given != null) {
                return new S3EventReader(this, given, false);
            }
            return new S3EventReader(
                    this, Objects.requireNonNull(connection, "connection").createClient(), true);
        }
    }
}
