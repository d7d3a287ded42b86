package io.actiontrail;

import java.util.Map;

/**
 * Counts of the capture side, before any trail: events taken into the journal, and events that could not be taken
 * in, by reason (see {@link DeliveryListener.Dropped}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param recorded events written to the journal
 * @param dropped events not written to the journal, by reason
 */
public record CaptureStats(long recorded, Map<String, Long> dropped) {

    /** Copies the values. */
    public CaptureStats {
        dropped = Map.copyOf(dropped);
    }

    /** Returns the number of dropped events over all reasons. */
    public long droppedTotal() {
        long total = 0;
        for (long count : dropped.values()) {
            total += count;
        }
        return total;
    }
}
