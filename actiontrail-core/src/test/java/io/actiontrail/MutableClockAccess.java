package io.actiontrail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Lends the package's {@link MutableClock} to tests in other packages. */
public final class MutableClockAccess {

    private final MutableClock clock;

    public MutableClockAccess(Instant start) {
        this.clock = new MutableClock(start);
    }

    public Clock clock() {
        return clock;
    }

    public void advance(Duration duration) {
        clock.advance(duration);
    }

    /** Applies the journal's retention now. */
    public static void maintain(ActionTrail actionTrail) {
        actionTrail.maintainJournal();
    }
}
