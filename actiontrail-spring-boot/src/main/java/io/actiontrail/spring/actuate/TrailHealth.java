package io.actiontrail.spring.actuate;

import io.actiontrail.ActionTrail;
import io.actiontrail.trail.TrailStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The health of one trail: {@code DOWN} when one of its sinks is failing and has not delivered for longer than the
 * threshold, else {@code UP}; the trail's and each sink's status as details. Thread-safe.
 */
final class TrailHealth implements Supplier<ActionTrailHealth.Reading> {

    private final ActionTrail actionTrail;
    private final String trail;
    private final Duration downAfter;
    private final Clock clock;

    TrailHealth(ActionTrail actionTrail, String trail, Duration downAfter, Clock clock) {
        this.actionTrail = actionTrail;
        this.trail = trail;
        this.downAfter = downAfter;
        this.clock = clock;
    }

    @Override
    public ActionTrailHealth.Reading get() {
        TrailStatus status = actionTrail.status(trail);
        Instant now = clock.instant();
        boolean down = false;
        Map<String, Object> sinks = new LinkedHashMap<>();
        for (TrailStatus.SinkStatus sink : status.sinks()) {
            boolean failingTooLong = sink.isFailing() && failingSince(sink, now).compareTo(downAfter) > 0;
            down |= failingTooLong;
            sinks.put(sink.sink(), details(sink, failingTooLong));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("logging", status.isLogging());
        put(details, "startLoggingTime", status.startLoggingTime());
        put(details, "stopLoggingTime", status.stopLoggingTime());
        details.put("sinks", sinks);
        return new ActionTrailHealth.Reading(!down, details);
    }

    /** How long the sink has gone without delivering while failing. */
    private static Duration failingSince(TrailStatus.SinkStatus sink, Instant now) {
        Instant since = sink.latestDeliveryTime();
        if (since == null) {
            since = sink.oldestPendingEventTime();
        }
        if (since == null) {
            since = sink.latestDeliveryErrorTime();
        }
        return since == null ? Duration.ZERO : Duration.between(since, now);
    }

    private static Map<String, Object> details(TrailStatus.SinkStatus sink, boolean down) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("status", down ? "DOWN" : sink.isFailing() ? "FAILING" : "UP");
        d.put("recorded", sink.recorded());
        d.put("delivered", sink.delivered());
        d.put("pending", sink.pending());
        d.put("dropped", sink.dropped());
        d.put("retries", sink.retries());
        put(d, "latestDeliveryTime", sink.latestDeliveryTime());
        put(d, "latestDeliveryError", sink.latestDeliveryError());
        put(d, "latestDeliveryErrorCode", sink.latestDeliveryErrorCode());
        put(d, "latestDeliveryErrorTime", sink.latestDeliveryErrorTime());
        put(d, "oldestPendingEventTime", sink.oldestPendingEventTime());
        put(d, "oldestPendingAge", sink.oldestPendingAge());
        return d;
    }

    private static void put(Map<String, Object> details, String key, @Nullable Object value) {
        if (value != null) {
            details.put(key, value.toString());
        }
    }
}
