package io.actiontrail.spring.actuate;

import io.actiontrail.spring.AuditCoverage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * What the application's captures audit, as health details ({@code /actuator/health/actionTrail/capture}): per capture,
 * how many it found, how many it audits and why not the others. Always up: a gap in coverage is a warning for the
 * people who wire the application, not an outage. Thread-safe.
 */
final class CoverageHealthIndicator implements HealthIndicator {

    private final ObjectProvider<AuditCoverage> coverages;

    CoverageHealthIndicator(ObjectProvider<AuditCoverage> coverages) {
        this.coverages = coverages;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        coverages.orderedStream().forEach(coverage -> {
            AuditCoverage.Report report = coverage.report();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("found", report.found());
            details.put("audited", report.audited());
            if (!report.warnings().isEmpty()) {
                details.put("warnings", report.warnings());
            }
            health.withDetail(report.kind(), details);
        });
        return health.build();
    }
}
