package io.actiontrail;

/**
 * How recorded events are kept before every sink has them.
 *
 * <p>Immutable and thread-safe.
 */
public enum Durability {
    /**
     * Events are kept in a bounded in-memory journal only. Events not yet delivered when the process ends, or evicted
     * because the journal is full, are lost; each such loss is counted and reported, never silent. For tests and
     * ephemeral jobs.
     */
    MEMORY
}
