package io.actiontrail.integrity;

import java.util.List;
import java.util.Objects;

/**
 * What an offline verification found: every finding, and how much it checked. Verification passed when there is no
 * finding. Immutable and thread-safe.
 *
 * @param findings what does not hold, in the order found
 * @param entries how many journal lines were hashed and checked
 * @param checkpoints how many signed checkpoints were checked
 * @param pruned how many leaves the log holds whose lines retention deleted (their hashes were checked instead)
 */
public record VerificationReport(List<Finding> findings, long entries, long checkpoints, long pruned) {

    /** Copies the findings. */
    public VerificationReport {
        findings = List.copyOf(findings);
    }

    /** Whether nothing was found. */
    public boolean passed() {
        return findings.isEmpty();
    }

    /** Returns the report as lines: one per finding, then a summary. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Finding finding : findings) {
            out.append(finding).append('\n');
        }
        out.append(passed() ? "OK" : "FAILED")
                .append(": ")
                .append(findings.size())
                .append(findings.size() == 1 ? " finding; " : " findings; ")
                .append(entries)
                .append(" entries and ")
                .append(checkpoints)
                .append(" checkpoints checked");
        if (pruned > 0) {
            out.append("; ").append(pruned).append(" older entries deleted by retention, their hashes checked");
        }
        return out.append('\n').toString();
    }

    /**
     * One thing that does not hold.
     *
     * Immutable and thread-safe.
     *
     * @param kind what kind of tampering or damage it shows
     * @param position the log position it concerns, or -1
     * @param detail what was found, for a person
     */
    public record Finding(Kind kind, long position, String detail) {

        /** Checks the values. */
        public Finding {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return kind + (position >= 0 ? " at " + position : "") + ": " + detail;
        }
    }

    /** The kinds of findings. Immutable and thread-safe. */
    public enum Kind {
        /** An entry differs from the one the checkpoints commit to. */
        MODIFIED,
        /** An entry the checkpoints commit to is missing, later entries moved up. */
        DELETED,
        /** Entries are in another order than the checkpoints commit to. */
        REORDERED,
        /** The log holds fewer entries than a checkpoint commits to: its newest entries were removed. */
        CUT_TAIL,
        /** An entry is in the journal that no later checkpoint covers although one should. */
        UNCOVERED,
        /** Two checkpoints of the same size, or of which one cannot extend the other, commit to different trees. */
        FORK,
        /** A checkpoint's signature does not verify. */
        BAD_SIGNATURE,
        /** A checkpoint is signed by no trusted key. */
        UNKNOWN_KEY,
        /** A checkpoint cannot be read, or is of another log. */
        DAMAGED_CHECKPOINT,
        /** The kept tree hashes disagree with the signed checkpoints (they were changed), or are missing. */
        DAMAGED_TREE,
        /** More time passed between two checkpoints than the heartbeat allows, without a clean stop between. */
        MISSING_HEARTBEAT,
        /** Nothing to verify against: no checkpoint at all. */
        NO_CHECKPOINT
    }
}
