package io.actiontrail;

import io.actiontrail.insights.InsightNotice;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Told of every delivered batch, every failed delivery attempt and every drop: the hook for notifications, metrics
 * and tests. Callbacks run on delivery threads, possibly several at once: implementations must be thread-safe and
 * quick. An exception thrown by a callback is logged and otherwise ignored.
 */
public interface DeliveryListener {

    /** A listener that does nothing. */
    DeliveryListener NOOP = new DeliveryListener() {};

    /** Called after a sink accepted a batch. */
    default void onDelivered(Delivered delivered) {}

    /** Called after a delivery attempt failed. */
    default void onFailed(Failed failed) {}

    /** Called when events are given up. */
    default void onDropped(Dropped dropped) {}

    /**
     * Called when an insight starts or ends, after its insight event was recorded; on the insights thread, one call
     * at a time.
     */
    default void onInsight(InsightNotice notice) {}

    /**
     * A batch a sink accepted. Immutable and thread-safe.
     *
     * @param trail the trail's name
     * @param sink the sink's name within the trail
     * @param events the number of events in the batch
     * @param bytes the size of the batch's JSON lines
     * @param firstEventId the id of the first event of the batch
     * @param lastEventId the id of the last event of the batch
     * @param time when the sink accepted the batch
     */
    record Delivered(
            String trail, String sink, int events, long bytes, String firstEventId, String lastEventId, Instant time) {
        /** Validates the values. */
        public Delivered {
            Objects.requireNonNull(trail, "trail");
            Objects.requireNonNull(sink, "sink");
        }
    }

    /**
     * A failed delivery attempt. Immutable and thread-safe.
     *
     * @param trail the trail's name
     * @param sink the sink's name within the trail
     * @param events the number of events in the batch
     * @param attempt the number of this attempt, from 1
     * @param error what went wrong
     * @param errorCode the destination's error code, when it gave one
     * @param retrying whether the batch will be tried again
     * @param time when the attempt failed
     */
    record Failed(
            String trail,
            String sink,
            int events,
            int attempt,
            String error,
            @Nullable String errorCode,
            boolean retrying,
            Instant time) {
        /** Validates the values. */
        public Failed {
            Objects.requireNonNull(trail, "trail");
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * Events given up. Immutable and thread-safe.
     *
     * @param trail the trail's name, or {@code null} when the events were dropped before reaching any trail
     * @param sink the sink's name, or {@code null} when the events were dropped before reaching any trail
     * @param events how many events
     * @param reason why, one of the constants of this record
     * @param detail a human-readable explanation
     * @param time when
     */
    record Dropped(
            @Nullable String trail, @Nullable String sink, long events, String reason, String detail, Instant time) {

        /** The destination rejected the batch permanently. */
        public static final String REJECTED = "rejected";
        /** The {@link Durability#MEMORY} journal was full and evicted events not yet delivered. */
        public static final String CAPACITY = "capacity";
        /** The process shut down before the events were delivered, and the journal does not outlive it. */
        public static final String SHUTDOWN = "shutdown";
        /** The journal deleted the events for age (see {@link ActionTrail.Builder#retention}) before delivery. */
        public static final String RETENTION = "retention";
        /** The journal deleted the events for space (see {@link ActionTrail.Builder#maxDiskBytes}) before delivery. */
        public static final String QUOTA = "quota";
        /** The disk was full or failing and the events did not fit in the memory reserved for that case. */
        public static final String DISK_FULL = "disk_full";
        /** The event was recorded after {@link ActionTrail#close()}. */
        public static final String CLOSED = "closed";
        /** The event could not be recorded: {@code null}, or failing validation. */
        public static final String INVALID = "invalid";
        /** Recording failed unexpectedly inside the library. */
        public static final String INTERNAL_ERROR = "internal_error";

        /** Validates the values. */
        public Dropped {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
