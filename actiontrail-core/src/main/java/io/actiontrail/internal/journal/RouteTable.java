package io.actiontrail.internal.journal;

import java.util.ArrayList;
import java.util.List;

/**
 * The route bits decided at append, by position, for the disk journal's readers: they read an event's bits here
 * instead of deciding again from its line. Positions are set in order, as the writer assigns them, from the first
 * event this process appends; chunks are released once every reader is past them, and the oldest go when the table
 * holds {@link #MAX_ENTRIES} (a long outage), so that the table never grows with the backlog. A position the table
 * does not know (journaled by an earlier process, released, or dropped) is routed from its line by the journal's
 * {@link Journal.LineRouter}, which decides the same way from the same trails.
 *
 * <p>Thread-safe: its monitor is innermost; nothing else is locked while it is held.
 */
final class RouteTable {

    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;

    /** The most positions kept: 8 MiB of bits, about a quarter of an hour of backlog at 1,000 events a second. */
    static final int MAX_ENTRIES = 1 << 20;

    private final List<long[]> chunks = new ArrayList<>();
    /** The position of the first entry of the first chunk; -1 before the first {@link #set}. */
    private long base = -1;
    /** The first position known; positions in {@code [low, high)} are. */
    private long low;
    /** The next position to set. */
    private long high;

    /** Records the bits of {@code seq}, the position after the last one set (or the first of this process). */
    synchronized void set(long seq, long bits) {
        if (base < 0 || seq != high) {
            chunks.clear();
            base = seq & -CHUNK;
            low = seq;
            high = seq;
        }
        int chunk = (int) ((seq - base) >>> CHUNK_BITS);
        if (chunk == chunks.size()) {
            chunks.add(new long[CHUNK]);
            if (chunks.size() > MAX_ENTRIES / CHUNK) {
                dropFirstChunk();
                chunk--;
            }
        }
        chunks.get(chunk)[(int) ((seq - base) & (CHUNK - 1))] = bits;
        high = seq + 1;
    }

    /**
     * Returns whether the table knows the bits of {@code seq}, and then puts them in {@code out[0]}.
     */
    synchronized boolean lookup(long seq, long[] out) {
        if (seq < low || seq >= high) {
            return false;
        }
        out[0] = chunks.get((int) ((seq - base) >>> CHUNK_BITS))[(int) ((seq - base) & (CHUNK - 1))];
        return true;
    }

    /** Releases the chunks wholly below {@code seq}: no reader will ask for them again in the normal course. */
    synchronized void releaseBelow(long seq) {
        while (!chunks.isEmpty() && base + CHUNK <= seq) {
            dropFirstChunk();
        }
    }

    /** Returns how many positions the table knows; for tests. */
    synchronized long size() {
        return Math.max(0, high - low);
    }

    private void dropFirstChunk() {
        chunks.remove(0);
        base += CHUNK;
        low = Math.max(low, base);
        if (chunks.isEmpty()) {
            high = Math.max(high, low);
        }
    }
}
