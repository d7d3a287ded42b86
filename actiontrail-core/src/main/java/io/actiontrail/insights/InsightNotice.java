package io.actiontrail.insights;

import io.actiontrail.AuditEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link io.actiontrail.DeliveryListener} is told when an insight starts or ends: the insight event that was
 * recorded, and its main values read out of it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type the kind of insight
 * @param state whether the insight started or ended
 * @param sharedEventId the id the insight's start and end events share
 * @param insightObject what the insight is about, for example {@code CreateOrder/orders} or a principal
 * @param baselineAverage the usual events per minute (0 for insights that are not about a rate)
 * @param insightAverage the events per minute during the insight (for a burst insight: the events it counted)
 * @param time when the insight started or ended
 * @param event the recorded insight event
 */
public record InsightNotice(
        InsightType type,
        State state,
        String sharedEventId,
        String insightObject,
        double baselineAverage,
        double insightAverage,
        Instant time,
        AuditEvent event) {

    /** Whether an insight started or ended. Immutable and thread-safe. */
    public enum State {
        /** The unusual activity began. */
        START("Start"),
        /** The unusual activity is over. */
        END("End");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        /** Returns the spelling in insight events: {@code Start} or {@code End}. */
        public String wireName() {
            return wireName;
        }
    }

    /** Validates the notice. */
    public InsightNotice {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(sharedEventId, "sharedEventId");
        Objects.requireNonNull(insightObject, "insightObject");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(event, "event");
    }
}
