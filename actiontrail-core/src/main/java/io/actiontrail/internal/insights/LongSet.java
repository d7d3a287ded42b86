package io.actiontrail.internal.insights;

/** A set of longs by open addressing (0 is kept apart). Not thread-safe: the insights thread owns it. */
final class LongSet {

    private long[] table = new long[256];
    private int size;
    private boolean hasZero;

    int size() {
        return size + (hasZero ? 1 : 0);
    }

    /** Adds the value; returns whether it was absent. */
    boolean add(long value) {
        if (value == 0) {
            boolean absent = !hasZero;
            hasZero = true;
            return absent;
        }
        int m = table.length - 1;
        int slot = (int) mix(value) & m;
        while (table[slot] != 0) {
            if (table[slot] == value) {
                return false;
            }
            slot = (slot + 1) & m;
        }
        table[slot] = value;
        if (++size > table.length / 2) {
            long[] old = table;
            table = new long[old.length * 2];
            int mm = table.length - 1;
            for (long v : old) {
                if (v != 0) {
                    int s = (int) mix(v) & mm;
                    while (table[s] != 0) {
                        s = (s + 1) & mm;
                    }
                    table[s] = v;
                }
            }
        }
        return true;
    }

    /** Calls {@code visitor} with every value. */
    void forEach(java.util.function.LongConsumer visitor) {
        if (hasZero) {
            visitor.accept(0);
        }
        for (long v : table) {
            if (v != 0) {
                visitor.accept(v);
            }
        }
    }

    long bytes() {
        return table.length * 8L;
    }

    private static long mix(long v) {
        v ^= v >>> 33;
        v *= 0xff51afd7ed558ccdL;
        v ^= v >>> 33;
        return v;
    }
}
