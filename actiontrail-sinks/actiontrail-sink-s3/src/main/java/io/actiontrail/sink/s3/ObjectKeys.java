package io.actiontrail.sink.s3;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The object key layout shared by the sink and the reader:
 * {@code {prefix}/ActionTrail/{serviceName}/{region}/{yyyy}/{MM}/{dd}/{serviceName}_ActionTrail_{region}_{yyyyMMdd'T'HHmmss'Z'}_{uniqueId}.json.gz}.
 * Immutable and thread-safe.
 */
final class ObjectKeys {

    static final String ROOT = "ActionTrail";
    static final String SUFFIX = ".json.gz";
    static final String CHECKPOINT_ROOT = "ActionTrail-Checkpoint";

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("uuuu/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** The prefix without leading or trailing slashes; empty for none. */
    private final String prefix;

    ObjectKeys(String prefix) {
        this.prefix = normalizePrefix(prefix);
    }

    /**
     * Returns the bucket name as it is.
     *
     * @throws IllegalArgumentException if it is blank or holds a blank at either end or a {@code /}
     */
    static String requireBucket(String bucket) {
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.isBlank() || !bucket.equals(bucket.strip()) || bucket.contains("/")) {
            throw new IllegalArgumentException("bucket must be a bucket name, without blanks or '/': '" + bucket + "'");
        }
        return bucket;
    }

    /** Strips leading and trailing slashes. */
    static String normalizePrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        String p = prefix.strip();
        int start = 0;
        int end = p.length();
        while (start < end && p.charAt(start) == '/') {
            start++;
        }
        while (end > start && p.charAt(end - 1) == '/') {
            end--;
        }
        p = p.substring(start, end);
        if (p.contains("//")) {
            throw new IllegalArgumentException("prefix must not contain an empty path segment: '" + prefix + "'");
        }
        return p;
    }

    /**
     * Returns a value as one key segment: characters other than letters, digits, {@code . _ -} become {@code -}, so
     * that a service name or region can never add a level to the layout.
     */
    static String segment(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            out.append(safe ? c : '-');
        }
        return out.length() == 0 ? "-" : out.toString();
    }

    /** Returns {@code {prefix}/}, or nothing without a prefix: what manifests name objects relative to. */
    String base() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** Returns {@code {prefix}/ActionTrail/}, or {@code ActionTrail/} without a prefix. */
    String root() {
        return prefix.isEmpty() ? ROOT + "/" : prefix + "/" + ROOT + "/";
    }

    /** Returns the prefix of every object of a service: {@code {prefix}/ActionTrail/{serviceName}/}. */
    String servicePrefix(String serviceName) {
        return root() + segment(serviceName) + "/";
    }

    /** Returns the prefix of every object of one UTC day of a service in a region. */
    String dayPrefix(String serviceName, String region, LocalDate day) {
        return servicePrefix(serviceName) + segment(region) + "/" + DAY.format(day.atStartOfDay(ZoneOffset.UTC)) + "/";
    }

    /** Returns the key of the object holding the given events, which must all lie in the UTC day of {@code time}. */
    String key(String serviceName, String region, Instant time, String uniqueId) {
        LocalDate day = time.atZone(ZoneOffset.UTC).toLocalDate();
        String service = segment(serviceName);
        String reg = segment(region);
        return dayPrefix(serviceName, region, day) + service + "_" + ROOT + "_" + reg + "_" + STAMP.format(time) + "_"
                + uniqueId + SUFFIX;
    }

    /**
     * Returns the key of a checkpoint manifest:
     * {@code {prefix}/ActionTrail-Checkpoint/{origin}/{size, 20 digits}_{time}_{id}.json}, beside the events' layout so
     * that no service name can share it, and so that a listing gives each log's manifests in order of size; the id,
     * from the signed note, keeps two checkpoints of one size and second apart.
     */
    String manifestKey(io.actiontrail.integrity.SignedNote checkpoint, Instant time) {
        io.actiontrail.integrity.Checkpoint body = io.actiontrail.integrity.Checkpoint.parse(checkpoint.text());
        MessageDigest digest = sha256();
        digest.update(checkpoint.toString().getBytes(StandardCharsets.UTF_8));
        return base() + CHECKPOINT_ROOT + "/" + segment(body.origin()) + "/" + String.format("%020d", body.size()) + "_"
                + STAMP.format(time) + "_" + HexFormat.of().formatHex(digest.digest(), 0, 8) + ".json";
    }

    /**
     * Returns the unique part of an object's key, derived from the ids of the events it holds: writing the same
     * events again gives the same key, so a retried batch overwrites its own objects instead of adding new ones,
     * while different event sets (another trail's selection into the same prefix) never share a key.
     */
    static String uniqueId(List<String> eventIds) {
        MessageDigest digest = sha256();
        for (String id : eventIds) {
            digest.update(id.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 16);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return root();
    }
}
