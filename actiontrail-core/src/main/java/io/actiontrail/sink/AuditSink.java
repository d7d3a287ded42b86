package io.actiontrail.sink;

import io.actiontrail.integrity.SignedNote;

/**
 * A destination for audit events: object storage, a log service, a search engine, a webhook, a logger.
 *
 * <p>The pipeline calls {@link #write} from one thread at a time per sink instance, with batches in journal order,
 * and retries the same batch after a retryable failure, so an implementation needs no locking and may assume that
 * delivery is at least once: duplicates carry the same {@code eventId}. {@link #close()} is called once, after the
 * last write.
 */
public interface AuditSink extends AutoCloseable {

    /**
     * Delivers one batch. Returns normally only when the destination has accepted every record of the batch.
     *
     * @throws DeliveryException when the batch was not delivered; say whether trying again may help
     */
    void write(AuditBatch batch) throws DeliveryException;

    /**
     * Stores a signed checkpoint of the trail's Merkle log that comes without events: a heartbeat while the trail is
     * idle (same size, newer time), or the last one at a clean stop. Called only when the trail has tamper evidence,
     * from the thread that calls {@link #write}. A sink that keeps checkpoints next to its records (the batch's own
     * arrives with it, {@link AuditBatch#checkpoint()}) stores this one the same way, so that a verifier reading the
     * destination sees how recent the trail is; a cut tail then shows. Does nothing unless overridden: such a sink's
     * copy can be checked only up to its last batch.
     *
     * @throws DeliveryException when it was not stored; the next heartbeat tries again
     */
    default void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {}

    /** Returns how this sink wants events grouped; {@link Batching#DEFAULT} unless overridden. */
    default Batching batching() {
        return Batching.DEFAULT;
    }

    /** Returns a short name for status, metrics and logs; the simple class name unless overridden. */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? getClass().getName() : simple;
    }

    /** Releases what the sink created itself; resources it was given stay open. Does nothing unless overridden. */
    @Override
    default void close() {}
}
