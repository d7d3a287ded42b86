package io.actiontrail.insights;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The state of insight detection.
 *
 * <p>Immutable and thread-safe.
 *
 * @param enabled whether insights run in this instance
 * @param position the journal position up to which events were counted
 * @param eventsCounted the events counted since the start, from the journal's writer or read back from the journal
 * @param eventsReadBack of those, the events read back from journal lines (catching up after a restart, or when the
 *     hand-over from the journal's writer was full)
 * @param keys the counters tracked
 * @param keysRefused the counters not tracked because {@link Insights#maxKeys()} was reached
 * @param openInsights the insights started and not yet ended
 * @param started insights started since this instance started, by type
 * @param cpuNanos the CPU time the insights thread has used, where the JVM measures it; -1 otherwise
 * @param lastBaseline when the baselines were last recomputed; null before the first time
 * @param lastError the last error of the insights thread (state or rollups not written), null if none
 */
public record InsightsStatus(
        boolean enabled,
        long position,
        long eventsCounted,
        long eventsReadBack,
        int keys,
        long keysRefused,
        int openInsights,
        Map<InsightType, Long> started,
        long cpuNanos,
        @Nullable Instant lastBaseline,
        @Nullable String lastError) {

    /** Validates and copies the status. */
    public InsightsStatus {
        started = Map.copyOf(Objects.requireNonNull(started, "started"));
    }

    /** Returns the status of an instance in which insights are off. */
    public static InsightsStatus disabled() {
        return new InsightsStatus(false, 0, 0, 0, 0, 0, 0, Map.of(), -1, null, null);
    }
}
