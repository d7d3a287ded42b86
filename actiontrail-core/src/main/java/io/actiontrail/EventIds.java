package io.actiontrail;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates UUIDv7 strings (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids created in
 * the same millisecond in order, then 62 random bits. Ids from one JVM sort in creation order.
 */
final class EventIds {

    /** Last issued (millis << 12 | counter); ids only move forward even if the wall clock steps back. */
    private static final AtomicLong LAST = new AtomicLong();

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private EventIds() {}

    static String next(long epochMillis) {
        long candidate = epochMillis << 12;
        long stamp;
        while (true) {
            long last = LAST.get();
            stamp = candidate > last ? candidate : last + 1;
            if (LAST.compareAndSet(last, stamp)) {
                break;
            }
        }
        long millis = stamp >>> 12;
        long counter = stamp & 0xFFF;
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return format(msb, lsb);
    }

    private static String format(long msb, long lsb) {
        char[] out = new char[36];
        hex(out, 0, msb >>> 32, 8);
        out[8] = '-';
        hex(out, 9, msb >>> 16, 4);
        out[13] = '-';
        hex(out, 14, msb, 4);
        out[18] = '-';
        hex(out, 19, lsb >>> 48, 4);
        out[23] = '-';
        hex(out, 24, lsb, 12);
        return new String(out);
    }

    private static void hex(char[] out, int offset, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[offset + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }
}
