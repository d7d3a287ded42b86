package io.actiontrail.query;

/**
 * A search that {@link SearchSyntax} cannot read: the message says what is wrong and where, and {@link #position()}
 * is the offset of the mistake in the search text, for a console to point at it.
 *
 * <p>Immutable and thread-safe.
 */
public final class SearchSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int position;

    SearchSyntaxException(String problem, int position) {
        super(problem + " (at " + position + ")");
        this.position = position;
    }

    /** Returns the offset, in characters from 0, of the mistake in the search text. */
    public int position() {
        return position;
    }
}
