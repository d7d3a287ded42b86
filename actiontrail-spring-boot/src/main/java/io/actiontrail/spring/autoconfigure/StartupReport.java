package io.actiontrail.spring.autoconfigure;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.AuditCoverage;
import io.actiontrail.trail.Trail;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Once the application is ready, says in one INFO line what is audited and where it goes: each capture's coverage
 * ({@code 3 of 3 @Audited methods, 5 of 6 controller handlers}), then every trail with its sinks; and, one WARN line
 * each, why anything is not audited. A wiring mistake shows at start-up, not at the first audit. Thread-safe.
 */
final class StartupReport implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final ActionTrail actionTrail;
    private final ObjectProvider<AuditCoverage> coverages;

    StartupReport(ActionTrail actionTrail, ObjectProvider<AuditCoverage> coverages) {
        this.actionTrail = actionTrail;
        this.coverages = coverages;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (event.getApplicationContext().getParent() != null) {
            return; // a child context's beans are reported by their own listener, if any
        }
        try {
            List<AuditCoverage.Report> reports = reports(coverages);
            log.info("ActionTrail: {}", line(reports, actionTrail.trails()));
            actionTrail
                    .integrityStatus()
                    .ifPresent(status -> log.info(
                            "ActionTrail: tamper evidence: checkpoints of '{}' signed by {}+{} (public key SHA-256 {})",
                            status.origin(),
                            status.keyName(),
                            status.keyId(),
                            status.fingerprint()));
            for (AuditCoverage.Report report : reports) {
                for (String warning : report.warnings()) {
                    log.warn("ActionTrail: {}", warning);
                }
            }
        } catch (RuntimeException e) {
            log.warn("ActionTrail: could not report what is audited", e);
        }
    }

    /** Every capture's report, in the order of the beans. */
    static List<AuditCoverage.Report> reports(ObjectProvider<AuditCoverage> coverages) {
        List<AuditCoverage.Report> reports = new ArrayList<>();
        coverages.orderedStream().forEach(coverage -> reports.add(coverage.report()));
        return reports;
    }

    /** {@code auditing 3 of 3 @Audited methods, 5 of 6 controller handlers; trail 'main' to archive, logs}. */
    static String line(List<AuditCoverage.Report> reports, List<Trail> trails) {
        StringBuilder line = new StringBuilder("auditing ");
        if (reports.isEmpty()) {
            line.append("what the application records itself (no capture is configured)");
        } else {
            StringJoiner captures = new StringJoiner(", ");
            reports.forEach(report -> captures.add(report.toString()));
            line.append(captures);
        }
        if (trails.isEmpty()) {
            return line.append("; no trail: events are journaled only").toString();
        }
        for (Trail trail : trails) {
            line.append("; trail '").append(trail.name()).append("' to ");
            line.append(
                    trail.sinks().isEmpty()
                            ? "no sink"
                            : String.join(", ", trail.sinks().keySet()));
        }
        return line.toString();
    }
}
