package io.actiontrail;

/**
 * How recorded events are kept before every sink has them.
 *
 * <p>Immutable and thread-safe.
 */
public enum Durability {
    /**
     * {@link ActionTrail#record(AuditEvent)} returns only after the event is written to the journal and fsynced.
     * Callers recording at the same time share one fsync (group commit). A crash loses no event whose
     * {@code record} call returned.
     */
    SYNC,

    /**
     * The default: {@code record} returns once the event is queued for the journal's writer, which writes at once
     * and fsyncs at least every {@link ActionTrail.Builder#fsyncInterval(java.time.Duration) fsync interval}
     * (100 ms by default). A crash of the process loses the events not yet handed to the operating system, a crash
     * of the machine those not yet fsynced. When callers record faster than the writer writes, {@code record} waits
     * rather than let the oldest unwritten event wait longer than the fsync interval, so that either crash loses about
     * the last fsync interval's events at most.
     */
    GROUP,

    /**
     * Events are kept in a bounded in-memory journal only. Events not yet delivered when the process ends, or evicted
     * because the journal is full, are lost; each such loss is counted and reported, never silent. For tests and
     * ephemeral jobs.
     */
    MEMORY
}
