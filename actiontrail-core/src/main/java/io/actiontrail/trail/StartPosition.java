package io.actiontrail.trail;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where in the journal a trail's sink starts the first time it is seen: at the journal's oldest event (back-fill a
 * new destination), at its newest, or at the first event recorded at or after a point in time. Later starts resume
 * from the sink's persisted cursor, whatever the start position.
 *
 * <p>Immutable and thread-safe.
 */
public final class StartPosition {

    /** The oldest event the journal still holds. */
    public static final StartPosition EARLIEST = new StartPosition(null, true);

    /** The events recorded from now on; the default. */
    public static final StartPosition LATEST = new StartPosition(null, false);

    private final @Nullable Instant time;
    private final boolean earliest;

    private StartPosition(@Nullable Instant time, boolean earliest) {
        this.time = time;
        this.earliest = earliest;
    }

    /** Returns the position of the first event recorded at or after {@code time}. */
    public static StartPosition at(Instant time) {
        return new StartPosition(Objects.requireNonNull(time, "time"), false);
    }

    /** Returns whether this is {@link #EARLIEST}. */
    public boolean isEarliest() {
        return earliest;
    }

    /** Returns whether this is {@link #LATEST}. */
    public boolean isLatest() {
        return time == null && !earliest;
    }

    /** Returns the point in time, or {@code null} for {@link #EARLIEST} and {@link #LATEST}. */
    public @Nullable Instant time() {
        return time;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof StartPosition other && earliest == other.earliest && Objects.equals(time, other.time);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, earliest);
    }

    @Override
    public String toString() {
        return earliest ? "EARLIEST" : time == null ? "LATEST" : "at(" + time + ")";
    }
}
