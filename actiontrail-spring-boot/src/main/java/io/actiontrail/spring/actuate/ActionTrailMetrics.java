package io.actiontrail.spring.actuate;

import io.actiontrail.ActionTrail;
import io.actiontrail.DeliveryListener;
import io.actiontrail.insights.InsightType;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Micrometer meters of every trail and sink, tagged {@code trail} and {@code sink}:
 * {@code actiontrail.events.recorded}, {@code .delivered}, {@code .dropped} (also tagged {@code reason}),
 * {@code .pending}, {@code actiontrail.events.oldest.pending.age}, {@code actiontrail.delivery.failures} (failed
 * attempts); of the capture side: {@code actiontrail.capture.recorded}, {@code actiontrail.capture.dropped}; and of
 * insights: {@code actiontrail.insights.started} (tagged {@code type}), {@code actiontrail.insights.open},
 * {@code actiontrail.insights.events.counted}, {@code actiontrail.insights.keys}.
 * Thread-safe.
 */
final class ActionTrailMetrics implements MeterBinder, DeliveryListener {

    static final List<String> DROP_REASONS = List.of(
            Dropped.REJECTED,
            Dropped.CAPACITY,
            Dropped.SHUTDOWN,
            Dropped.RETENTION,
            Dropped.QUOTA,
            Dropped.DISK_FULL,
            Dropped.CLOSED,
            Dropped.INVALID,
            Dropped.INTERNAL_ERROR);

    private final ObjectProvider<ActionTrail> actionTrail;
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    ActionTrailMetrics(ObjectProvider<ActionTrail> actionTrail) {
        this.actionTrail = actionTrail;
    }

    @Override
    public void onFailed(Failed failed) {
        failures(failed.trail(), failed.sink()).increment();
    }

    private LongAdder failures(String trail, String sink) {
        return failures.computeIfAbsent(trail + '\u0000' + sink, k -> new LongAdder());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ActionTrail at = actionTrail.getIfAvailable();
        if (at == null) {
            return;
        }
        FunctionCounter.builder("actiontrail.capture.recorded", at, a -> a.captureStats()
                        .recorded())
                .description("Events taken into the journal")
                .register(registry);
        for (String reason : DROP_REASONS) {
            FunctionCounter.builder("actiontrail.capture.dropped", at, a -> a.captureStats()
                            .dropped()
                            .getOrDefault(reason, 0L))
                    .description("Events that could not be recorded")
                    .tag("reason", reason)
                    .register(registry);
        }
        if (at.insightsStatus().enabled()) {
            for (InsightType type : InsightType.values()) {
                FunctionCounter.builder("actiontrail.insights.started", at, a -> a.insightsStatus()
                                .started()
                                .getOrDefault(type, 0L))
                        .description("Insights started, by type")
                        .tag("type", type.wireName())
                        .register(registry);
            }
            Gauge.builder("actiontrail.insights.open", at, a -> a.insightsStatus()
                            .openInsights())
                    .description("Insights started and not yet ended")
                    .register(registry);
            FunctionCounter.builder("actiontrail.insights.events.counted", at, a -> a.insightsStatus()
                            .eventsCounted())
                    .description("Events insights counted")
                    .register(registry);
            Gauge.builder("actiontrail.insights.keys", at, a -> a.insightsStatus()
                            .keys())
                    .description("Counters insights track")
                    .register(registry);
        }
        for (Trail trail : at.trails()) {
            for (String sink : trail.sinks().keySet()) {
                String t = trail.name();
                counter(
                        registry,
                        at,
                        "actiontrail.events.recorded",
                        "Events selected for the sink",
                        t,
                        sink,
                        s -> s.recorded());
                counter(
                        registry,
                        at,
                        "actiontrail.events.delivered",
                        "Events the sink accepted",
                        t,
                        sink,
                        s -> s.delivered());
                for (String reason : DROP_REASONS) {
                    FunctionCounter.builder("actiontrail.events.dropped", at, a -> sink(a, t, sink)
                                    .dropped()
                                    .getOrDefault(reason, 0L))
                            .description("Events given up, by reason")
                            .tags("trail", t, "sink", sink, "reason", reason)
                            .register(registry);
                }
                LongAdder failed = failures(t, sink);
                FunctionCounter.builder("actiontrail.delivery.failures", failed, LongAdder::sum)
                        .description("Failed delivery attempts")
                        .tags("trail", t, "sink", sink)
                        .register(registry);
                Gauge.builder("actiontrail.events.pending", at, a -> sink(a, t, sink)
                                .pending())
                        .description("Events selected but neither delivered nor dropped yet")
                        .tags("trail", t, "sink", sink)
                        .register(registry);
                TimeGauge.builder("actiontrail.events.oldest.pending.age", at, TimeUnit.MILLISECONDS, a -> {
                            Duration age = sink(a, t, sink).oldestPendingAge();
                            return age == null ? 0 : age.toMillis();
                        })
                        .description("How long ago the oldest pending event happened")
                        .tags("trail", t, "sink", sink)
                        .register(registry);
            }
        }
    }

    private static void counter(
            MeterRegistry registry,
            ActionTrail at,
            String name,
            String description,
            String trail,
            String sink,
            ToDoubleFunction<TrailStatus.SinkStatus> value) {
        FunctionCounter.builder(name, at, a -> value.applyAsDouble(sink(a, trail, sink)))
                .description(description)
                .tags("trail", trail, "sink", sink)
                .register(registry);
    }

    private static TrailStatus.SinkStatus sink(ActionTrail actionTrail, String trail, String sink) {
        return actionTrail.status(trail).sink(sink);
    }
}
