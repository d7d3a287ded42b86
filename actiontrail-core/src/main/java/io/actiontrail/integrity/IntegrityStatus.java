package io.actiontrail.integrity;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The state of the journal's tamper evidence, for status pages and health checks. Immutable and thread-safe.
 *
 * @param origin the log's origin line
 * @param keyName the signing key's name
 * @param keyId the signing key's ID, eight hexadecimal digits as in signed notes
 * @param fingerprint the SHA-256 of the public key, in hexadecimal
 * @param firstPosition the journal position of the log's first leaf
 * @param treeSize the number of journal lines hashed into the log
 * @param checkpointSize the tree size of the latest signed checkpoint, 0 before the first
 * @param checkpointTime when the latest checkpoint was signed, or {@code null} before the first
 * @param checkpoints how many checkpoints this process signed
 * @param lastError the latest failure to hash, store or sign, or {@code null}; never holds key material
 */
public record IntegrityStatus(
        String origin,
        String keyName,
        String keyId,
        String fingerprint,
        long firstPosition,
        long treeSize,
        long checkpointSize,
        @Nullable Instant checkpointTime,
        long checkpoints,
        @Nullable String lastError) {}
