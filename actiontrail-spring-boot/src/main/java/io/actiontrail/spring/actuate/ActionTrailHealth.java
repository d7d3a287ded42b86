package io.actiontrail.spring.actuate;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.AuditCoverage;
import io.actiontrail.trail.Trail;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;

/**
 * ActionTrail's health, apart from any Spring Boot line's health types: one reading per trail and one named
 * {@code capture} with what the application's captures audit. Each Spring Boot line's health support adapts these
 * readings to its own indicator type (Boot 4's here, Boot 3.5's in {@code actiontrail-spring-boot3}), so that both
 * report the same statuses and details.
 *
 * <p>Thread-safety: the readings are thread-safe and read the trails' status anew each time.
 */
public final class ActionTrailHealth {

    private static final String CAPTURE = "capture";

    private ActionTrailHealth() {}

    /** One health reading: up or down, with the details to show. */
    public record Reading(boolean up, Map<String, Object> details) {
        /** Copies the details, keeping their order. */
        public Reading {
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    /**
     * The readings by name: each trail under its own name, then {@code capture} (or {@code _capture} when a trail is
     * named so).
     *
     * @param actionTrail the trails to read
     * @param downAfter how long a sink may fail without delivering before its trail is down
     * @param coverages what the application's captures audit
     */
    public static Map<String, Supplier<Reading>> readings(
            ActionTrail actionTrail, Duration downAfter, ObjectProvider<AuditCoverage> coverages) {
        Map<String, Supplier<Reading>> readings = new LinkedHashMap<>();
        for (Trail trail : actionTrail.trails()) {
            readings.put(trail.name(), new TrailHealth(actionTrail, trail.name(), downAfter, Clock.systemUTC()));
        }
        readings.put(readings.containsKey(CAPTURE) ? "_" + CAPTURE : CAPTURE, new CoverageHealth(coverages));
        return readings;
    }
}
