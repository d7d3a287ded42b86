package io.actiontrail.internal.insights;

import java.util.Arrays;

/**
 * Strings to dense ids by open addressing, with a byte of flags per id: event names (with their password and policy
 * flags) and networks. Not thread-safe: the insights thread owns it.
 */
final class Interner {

    private String[] values = new String[64];
    private int[] hashes = new int[64];
    byte[] flags = new byte[64];
    private int[] slots = new int[128];
    private int size;

    int size() {
        return size;
    }

    String value(int id) {
        return values[id];
    }

    /** Returns the id of {@code value}, or -1 if absent. */
    int find(String value) {
        int h = mix(value.hashCode());
        int m = slots.length - 1;
        for (int slot = h & m; slots[slot] != 0; slot = (slot + 1) & m) {
            int id = slots[slot] - 1;
            if (hashes[id] == h && values[id].equals(value)) {
                return id;
            }
        }
        return -1;
    }

    /** Returns the id of {@code value}, adding it if absent; {@link #added} tells which. */
    int intern(String value) {
        int h = mix(value.hashCode());
        int m = slots.length - 1;
        int slot = h & m;
        for (; slots[slot] != 0; slot = (slot + 1) & m) {
            int id = slots[slot] - 1;
            if (hashes[id] == h && values[id].equals(value)) {
                added = false;
                return id;
            }
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
            flags = Arrays.copyOf(flags, size * 2);
        }
        int id = size++;
        values[id] = value;
        hashes[id] = h;
        slots[slot] = id + 1;
        if (size > slots.length / 2) {
            slots = new int[slots.length * 2];
            int mm = slots.length - 1;
            for (int i = 0; i < size; i++) {
                int s = hashes[i] & mm;
                while (slots[s] != 0) {
                    s = (s + 1) & mm;
                }
                slots[s] = i + 1;
            }
        }
        added = true;
        return id;
    }

    /** Whether the last {@link #intern} added its value. */
    boolean added;

    /** Forgets every value. */
    void clear() {
        values = new String[64];
        hashes = new int[64];
        flags = new byte[64];
        slots = new int[128];
        size = 0;
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        return h;
    }
}
