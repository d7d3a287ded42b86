package io.actiontrail.internal.journal;

import io.actiontrail.internal.codec.LineFields;
import org.jspecify.annotations.Nullable;

/**
 * Which readers a journaled event goes to: the bits decided at append ({@link RouteTable}), else, for an event this
 * process did not append or no longer holds the bits of, its line routed by the pipeline's {@link Journal.LineRouter}.
 * Thread-safe.
 */
final class Routing {

    /** Routes nowhere: what an event is routed by before the pipeline gives its router. */
    private static final Journal.LineRouter NOWHERE = (seq, fields) -> 0L;

    final RouteTable table = new RouteTable();
    private volatile Journal.LineRouter lineRouter = NOWHERE;

    void lineRouter(Journal.LineRouter router) {
        this.lineRouter = router;
    }

    /** Records the bits the router decided at append. */
    void appended(long seq, long bits) {
        table.set(seq, bits);
    }

    /**
     * Returns the route bits of the event at {@code seq}, whose line is {@code buf[off, off + len)}; 0 for a line that
     * does not parse (counted at recovery; nobody's event).
     */
    long bits(long seq, byte[] buf, int off, int len) {
        long[] known = new long[1];
        if (table.lookup(seq, known)) {
            return known[0];
        }
        LineFields fields = parse(buf, off, len);
        return fields == null ? 0L : lineRouter.route(seq, fields);
    }

    /**
     * Like {@link #bits}, and keeps what it decided, so that the readers of an event an earlier process appended find
     * it decided; for the scan at start, which visits the unread events in order.
     */
    long decideOnce(long seq, byte[] buf, int off, int len) {
        long[] known = new long[1];
        if (table.lookup(seq, known)) {
            return known[0];
        }
        LineFields fields = parse(buf, off, len);
        long bits = fields == null ? 0L : lineRouter.route(seq, fields);
        table.set(seq, bits);
        return bits;
    }

    static @Nullable LineFields parse(byte[] buf, int off, int len) {
        try {
            return LineFields.parse(buf, off, len);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
