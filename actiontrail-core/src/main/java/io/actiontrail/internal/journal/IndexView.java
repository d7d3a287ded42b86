package io.actiontrail.internal.journal;

import io.actiontrail.query.Attribute;
import java.util.BitSet;

/**
 * What the secondary index knows of one segment's lines, numbered from 0 (the segment's first position): each line's
 * event time and outcome, and per attribute a sorted dictionary of values with the lines that hold each. Either a
 * sealed segment's {@link SegmentIndex} or the active segment's {@link IndexBuilder}; not thread-safe by itself (see
 * each implementation).
 */
interface IndexView {

    /** Outcome code of a line whose outcome is neither a failure nor a denial. */
    byte OTHER = 0;

    /** Outcome code of a failed event. */
    byte FAILURE = 1;

    /** Outcome code of a denied event. */
    byte DENIED = 2;

    /** Outcome code of a line that is not a readable event: it matches nothing. */
    byte INVALID = 3;

    /** How many lines are indexed. */
    int lines();

    /**
     * Whether every value was indexed exactly as it is: false when a value holds an unpaired surrogate, which the
     * dictionary's UTF-8 cannot keep; then only candidates can be taken from the index, never answers.
     */
    boolean exact();

    /** The event time of each line (meaningless for an {@link #INVALID} one). */
    long[] times();

    /** The outcome code of each line. */
    byte[] outcomes();

    /**
     * Visits the values of {@code attribute} from the first one at or after {@code from}, in order, until the
     * visitor returns {@code false}.
     */
    void terms(Attribute attribute, String from, TermVisitor visitor);

    /** Receives one value of the dictionary and its lines. */
    interface TermVisitor {
        boolean term(String value, Postings postings);
    }

    /** The lines that hold one value, ascending. */
    interface Postings {
        /** Sets the bit of every line. */
        void addTo(BitSet lines);

        /** Counts the lines whose bit is set in {@code lines}. */
        long countIn(BitSet lines);
    }
}
