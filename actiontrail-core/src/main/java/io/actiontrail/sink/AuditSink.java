package io.actiontrail.sink;

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
