package io.actiontrail.sink.s3;

import java.util.Objects;

/**
 * An archived object is not what its writer stored: its content does not match the SHA-256 in its metadata, or it is
 * not valid gzip. The object was changed or damaged after it was written; its events are not returned.
 *
 * <p>Immutable once thrown; safe to share across threads.
 */
public final class S3ObjectIntegrityException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String bucket;
    private final String key;

    S3ObjectIntegrityException(String bucket, String key, String problem, Throwable... cause) {
        super("s3://" + bucket + "/" + key + ": " + problem, cause.length > 0 ? cause[0] : null);
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** Returns the bucket of the damaged object. */
    public String bucket() {
        return bucket;
    }

    /** Returns the key of the damaged object. */
    public String key() {
        return key;
    }
}
