package io.actiontrail.spring.actuate;

import io.actiontrail.spring.AuditCoverage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;

/**
 * What the application's captures audit, as health details ({@code /actuator/health/actionTrail/capture}): per capture,
 * how many it found, how many it audits and why not the others. Always up: a gap in coverage is a warning for the
 * people who wire the application, not an outage. Thread-safe.
 */
final class CoverageHealth implements Supplier<ActionTrailHealth.Reading> {

    private final ObjectProvider<AuditCoverage> coverages;

    CoverageHealth(ObjectProvider<AuditCoverage> coverages) {
        this.coverages = coverages;
    }

    @Override
    public ActionTrailHealth.Reading get() {
        Map<String, Object> health = new LinkedHashMap<>();
        coverages.orderedStream().forEach(coverage -> {
            AuditCoverage.Report report = coverage.report();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("found", report.found());
            details.put("audited", report.audited());
            if (!report.warnings().isEmpty()) {
                details.put("warnings", report.warnings());
            }
            health.put(report.kind(), details);
        });
        return new ActionTrailHealth.Reading(true, health);
    }
}
