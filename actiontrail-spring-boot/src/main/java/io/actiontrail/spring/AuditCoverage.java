package io.actiontrail.spring;

import java.util.List;
import java.util.Objects;

/**
 * What one kind of capture audits in this application, such as its controller handlers or its {@code @Audited}
 * methods: a bean each capture contributes, read once the application is ready for the start-up line and on every
 * health request for the details, so that a capture that audits nothing never goes unnoticed. Implementations are
 * thread-safe.
 */
public interface AuditCoverage {

    /** What this capture audits, counted now. */
    Report report();

    /**
     * One capture's figures.
     *
     * @param kind what is counted, in the plural, such as {@code controller handlers}
     * @param found how many the application has
     * @param audited how many of them are audited
     * @param warnings why some or all of them are not audited, each a sentence that says what to do; empty when all are
     */
    record Report(String kind, int found, int audited, List<String> warnings) {
        public Report {
            Objects.requireNonNull(kind, "kind");
            warnings = List.copyOf(warnings);
            if (found < 0 || audited < 0 || audited > found) {
                throw new IllegalArgumentException("need 0 <= audited <= found, got " + audited + " of " + found);
            }
        }

        /** {@code 3 of 5 controller handlers}. */
        @Override
        public String toString() {
            return audited + " of " + found + " " + kind;
        }
    }
}
