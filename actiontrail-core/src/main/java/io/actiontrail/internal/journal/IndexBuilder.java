package io.actiontrail.internal.journal;

import io.actiontrail.Outcome;
import io.actiontrail.internal.codec.LineFields;
import io.actiontrail.query.Attribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The in-memory index of a segment that is still written to: brought up to date from the file by whoever reads it
 * ({@link #catchUp}), and encoded as a {@link SegmentIndex} once the segment is sealed. Not thread-safe: callers hold
 * its monitor.
 */
final class IndexBuilder implements IndexView {

    private final Segment segment;
    private final Map<Attribute, TreeMap<String, IntList>> terms = new EnumMap<>(Attribute.class);
    private long[] times = new long[1024];
    private byte[] outcomes = new byte[1024];
    private int lines;
    private long indexedBytes;
    private boolean exact = true;

    IndexBuilder(Segment segment) {
        this.segment = segment;
    }

    Segment segment() {
        return segment;
    }

    /**
     * Indexes the lines written since the last call. Returns {@code false} if {@code stop} said to stop first.
     *
     * @throws IOException if the file cannot be read (for example because retention deleted it)
     */
    boolean catchUp(BooleanSupplier stop) throws IOException {
        long end = segment.size();
        if (indexedBytes >= end) {
            return true;
        }
        boolean[] stopped = {false};
        segment.forEachLine(indexedBytes, end, (buf, off, len, at) -> {
            if ((lines & 4095) == 0 && stop.getAsBoolean()) {
                stopped[0] = true;
                return false;
            }
            try {
                add(LineFields.parse(buf, off, len));
            } catch (IllegalArgumentException e) {
                addInvalid();
            }
            indexedBytes = at + len + 1;
            return true;
        });
        return !stopped[0];
    }

    /** Adds the next line, a readable event. */
    void add(LineFields fields) {
        int line = next(fields.eventTimeMillis, outcomeCode(fields.values(Attribute.OUTCOME)));
        for (Attribute attribute : Attribute.values()) {
            List<String> values = fields.values(attribute);
            if (values.isEmpty()) {
                continue;
            }
            TreeMap<String, IntList> dictionary = terms.computeIfAbsent(attribute, a -> new TreeMap<>());
            for (String value : values) {
                if (exact && !wellFormed(value)) {
                    exact = false;
                }
                dictionary.computeIfAbsent(value, v -> new IntList()).add(line);
            }
        }
    }

    /** Adds the next line, one that is not a readable event. */
    void addInvalid() {
        next(lines == 0 ? 0 : times[lines - 1], INVALID);
    }

    private int next(long time, byte outcome) {
        if (lines == times.length) {
            times = Arrays.copyOf(times, lines * 2);
            outcomes = Arrays.copyOf(outcomes, lines * 2);
        }
        times[lines] = time;
        outcomes[lines] = outcome;
        return lines++;
    }

    static byte outcomeCode(List<String> outcome) {
        if (outcome.contains(Outcome.FAILURE.wireName())) {
            return FAILURE;
        }
        return outcome.contains(Outcome.DENIED.wireName()) ? DENIED : OTHER;
    }

    /** Whether {@code s} has no unpaired surrogate, so that its UTF-8 form decodes back to it. */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int lines() {
        return lines;
    }

    @Override
    public boolean exact() {
        return exact;
    }

    @Override
    public long[] times() {
        return times;
    }

    @Override
    public byte[] outcomes() {
        return outcomes;
    }

    long indexedBytes() {
        return indexedBytes;
    }

    @Override
    public void terms(Attribute attribute, String from, TermVisitor visitor) {
        TreeMap<String, IntList> dictionary = terms.get(attribute);
        if (dictionary == null) {
            return;
        }
        for (Map.Entry<String, IntList> e : dictionary.tailMap(from, true).entrySet()) {
            if (!visitor.term(e.getKey(), e.getValue())) {
                return;
            }
        }
    }

    /** Encodes the index of the lines indexed so far, as {@link SegmentIndex} reads it. */
    byte[] encode() {
        List<Term> all = new ArrayList<>();
        for (Map.Entry<Attribute, TreeMap<String, IntList>> e : terms.entrySet()) {
            byte code = SegmentIndex.code(e.getKey());
            for (Map.Entry<String, IntList> t : e.getValue().entrySet()) {
                byte[] value = t.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] key = new byte[value.length + 1];
                key[0] = code;
                System.arraycopy(value, 0, key, 1, value.length);
                all.add(new Term(key, t.getValue()));
            }
        }
        all.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        SegmentIndex.Out out = new SegmentIndex.Out(lines * 24 + 1024);
        return SegmentIndex.encode(out, segment, lines, indexedBytes, exact, times, outcomes, all);
    }

    /** One entry of the dictionary: attribute code and UTF-8 value, and its lines. Not thread-safe. */
    static final class Term {
        private final byte[] key;
        private final IntList lines;

        Term(byte[] key, IntList lines) {
            this.key = key;
            this.lines = lines;
        }

        byte[] key() {
            return key;
        }

        IntList lines() {
            return lines;
        }
    }

    /** A growable list of ascending line numbers; a line added twice in a row is kept once. */
    static final class IntList implements Postings {
        int[] values = new int[2];
        int size;

        void add(int value) {
            if (size > 0 && values[size - 1] == value) {
                return;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        @Override
        public void addTo(BitSet lines) {
            for (int i = 0; i < size; i++) {
                lines.set(values[i]);
            }
        }

        @Override
        public long countIn(BitSet lines) {
            long n = 0;
            for (int i = 0; i < size; i++) {
                if (lines.get(values[i])) {
                    n++;
                }
            }
            return n;
        }

        void writeTo(ByteArrayOutputStream out) {
            int previous = 0;
            for (int i = 0; i < size; i++) {
                SegmentIndex.Out.varint(out, values[i] - previous);
                previous = values[i];
            }
        }
    }
}
