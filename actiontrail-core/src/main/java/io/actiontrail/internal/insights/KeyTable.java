package io.actiontrail.internal.insights;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The counters: each key ({@code kind}, two strings) interned once into an index by open addressing over primitive
 * arrays, and every per-key value kept in arrays by that index (the current minute's count, the rollup accumulators,
 * the cold-start sums, the hourly baseline, the detector's runs), so that counting an event allocates nothing and
 * boxes nothing. The strings of a key are the event's own, kept by reference. Not thread-safe: the insights thread
 * owns it.
 */
final class KeyTable {

    static final byte API_CALL = 0;
    static final byte API_ERROR = 1;
    static final byte PRINCIPAL = 2;
    static final byte ACCESS_KEY = 3;

    /** The windows of a day a baseline has: one per hour. */
    static final int WINDOWS = 24;

    /** Flag bits. */
    static final byte ACTIVE = 1;

    static final byte HAS_NETWORK = 2;
    static final byte ATTRIBUTING = 4;

    private final int maxKeys;
    private int size;
    private int[] slots; // key index + 1, 0 when free
    private int mask;

    byte[] kind;
    String[] first;
    String[] second;
    int[] hash;
    /** The count of the open minute. */
    int[] count;
    /** The counts not yet written to the 5-minute and hourly rollups. */
    int[] acc5;

    int[] acc60;
    /** The first and the latest minute with an event, in epoch minutes. */
    int[] firstMinute;

    int[] lastMinute;
    /** Sum and sum of squares of the closed minutes' counts since {@link #firstMinute}: the cold-start baseline. */
    double[] coldSum;

    double[] coldSumSq;
    /** The baseline's mean and standard deviation per hour of the day, NaN where the hour has no history. */
    float[] baseMean;

    float[] baseStd;
    /** Minutes above and under the threshold in a row. */
    byte[] above;

    byte[] below;
    byte[] flags;
    /** The count from which the open minute's events are attributed (half the threshold). */
    int[] near;
    /** Sum of the counts of an active insight's minutes, and how many minutes. */
    long[] insightSum;

    int[] insightMinutes;

    KeyTable(int maxKeys) {
        this.maxKeys = maxKeys;
        int capacity = 64;
        slots = new int[capacity * 2];
        mask = slots.length - 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        kind = grow(kind, capacity);
        first = grow(first, capacity);
        second = grow(second, capacity);
        hash = grow(hash, capacity);
        count = grow(count, capacity);
        acc5 = grow(acc5, capacity);
        acc60 = grow(acc60, capacity);
        firstMinute = grow(firstMinute, capacity);
        lastMinute = grow(lastMinute, capacity);
        coldSum = grow(coldSum, capacity);
        coldSumSq = grow(coldSumSq, capacity);
        int old = baseMean == null ? 0 : baseMean.length;
        baseMean = grow(baseMean, capacity * WINDOWS);
        baseStd = grow(baseStd, capacity * WINDOWS);
        Arrays.fill(baseMean, old, baseMean.length, Float.NaN);
        Arrays.fill(baseStd, old, baseStd.length, Float.NaN);
        above = grow(above, capacity);
        below = grow(below, capacity);
        flags = grow(flags, capacity);
        near = grow(near, capacity);
        insightSum = grow(insightSum, capacity);
        insightMinutes = grow(insightMinutes, capacity);
    }

    int size() {
        return size;
    }

    int capacity() {
        return count.length;
    }

    /** Returns the key's index, adding it at {@code minute} if absent; -1 if the table is full. */
    int intern(byte k, String a, String b, int minute) {
        int h = hashOf(k, a, b);
        int slot = h & mask;
        while (true) {
            int entry = slots[slot];
            if (entry == 0) {
                break;
            }
            int index = entry - 1;
            if (hash[index] == h && kind[index] == k && a.equals(first[index]) && b.equals(second[index])) {
                return index;
            }
            slot = (slot + 1) & mask;
        }
        if (size == maxKeys) {
            return -1;
        }
        return add(k, a, b, h, slot, minute);
    }

    /** Returns the key's index, or -1 if absent. */
    int find(byte k, String a, String b) {
        int h = hashOf(k, a, b);
        int slot = h & mask;
        while (true) {
            int entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            int index = entry - 1;
            if (hash[index] == h && kind[index] == k && a.equals(first[index]) && b.equals(second[index])) {
                return index;
            }
            slot = (slot + 1) & mask;
        }
    }

    private int add(byte k, String a, String b, int h, int slot, int minute) {
        int index = size;
        if (index == count.length) {
            allocate(count.length * 2);
        }
        kind[index] = k;
        first[index] = a;
        second[index] = b;
        hash[index] = h;
        firstMinute[index] = minute;
        lastMinute[index] = Integer.MIN_VALUE;
        near[index] = Integer.MAX_VALUE;
        size++;
        slots[slot] = index + 1;
        if (size > slots.length / 2) { // load factor at most one half
            rehash(slots.length * 2);
        }
        return index;
    }

    private void rehash(int length) {
        slots = new int[length];
        mask = length - 1;
        for (int index = 0; index < size; index++) {
            int slot = hash[index] & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = index + 1;
        }
    }

    private static int hashOf(byte k, String a, String b) {
        int h = (a.hashCode() * 31 + b.hashCode()) * 31 + k;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    /** The bytes of the arrays this table holds, not counting the keys' strings (shared with events). */
    long arrayBytes() {
        long perKey = 1 + 4L * 2 + 4 + 4 * 2 + 4 * 2 + 8 * 2 + 4 * WINDOWS * 2 + 3 + 4 + 8 + 4;
        return (long) count.length * (perKey + 2L * 4 /* string references, compressed */) + slots.length * 4L;
    }

    private static byte[] grow(byte @Nullable [] a, int n) {
        return a == null ? new byte[n] : Arrays.copyOf(a, n);
    }

    private static int[] grow(int @Nullable [] a, int n) {
        return a == null ? new int[n] : Arrays.copyOf(a, n);
    }

    private static long[] grow(long @Nullable [] a, int n) {
        return a == null ? new long[n] : Arrays.copyOf(a, n);
    }

    private static double[] grow(double @Nullable [] a, int n) {
        return a == null ? new double[n] : Arrays.copyOf(a, n);
    }

    private static float[] grow(float @Nullable [] a, int n) {
        return a == null ? new float[n] : Arrays.copyOf(a, n);
    }

    private static String[] grow(String @Nullable [] a, int n) {
        return a == null ? new String[n] : Arrays.copyOf(a, n);
    }
}
