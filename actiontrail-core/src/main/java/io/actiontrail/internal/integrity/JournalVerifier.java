package io.actiontrail.internal.integrity;

import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.Merkle;
import io.actiontrail.integrity.ProofException;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.integrity.VerificationReport;
import io.actiontrail.integrity.VerificationReport.Finding;
import io.actiontrail.integrity.VerificationReport.Kind;
import io.actiontrail.integrity.VerifierKey;
import io.actiontrail.internal.InternalApi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Checks a journal's data directory against its signed checkpoints, offline, reading only: recomputes the Merkle
 * tree from the journal's lines (and, for the lines retention deleted, from the kept leaf hashes), compares its root
 * at every checkpoint's size, and, where they differ, compares line by line with the kept leaf hashes to say what
 * was done where (a line changed, deleted, moved, the newest ones cut off). Keeps 64 bytes per entry in memory.
 *
 * <p>What it trusts: the keys given, nothing in the directory. The kept hashes serve only to locate a change once
 * they agree with the signed checkpoints themselves. Not thread-safe: one instance per verification, used by one
 * thread at a time.
 *
 * <p>Over 500 lines on purpose: reading the checkpoints, recomputing the tree and locating each change are one pass
 * over one set of findings; split apart, each part would need the others' state handed to it.
 */
@InternalApi
public final class JournalVerifier {

    private static final Pattern SEGMENT = Pattern.compile("(\\d{20})-\\d{8}T\\d{6}Z\\.jsonl");
    private static final int HASH = Merkle.HASH_BYTES;

    private final Path dataDir;
    private final List<VerifierKey> keys;
    private final Duration heartbeat;
    private final List<Finding> findings = new ArrayList<>();

    /**
     * @param dataDir the journal's directory
     * @param keys the keys trusted to sign checkpoints: the current one and every earlier one still covering a range
     * @param heartbeat the log's heartbeat interval; a longer silence without a clean stop is a finding
     */
    public JournalVerifier(Path dataDir, List<VerifierKey> keys, Duration heartbeat) {
        this.dataDir = dataDir;
        this.keys = List.copyOf(keys);
        this.heartbeat = heartbeat;
    }

    /** A checkpoint whose signature verified. */
    static final class Signed {
        private final long size;
        private final byte[] root;
        private final @Nullable Instant time;
        private final boolean closed;

        Signed(long size, byte[] root, @Nullable Instant time, boolean closed) {
            this.size = size;
            this.root = root.clone();
            this.time = time;
            this.closed = closed;
        }

        long size() {
            return size;
        }

        byte[] root() {
            return root;
        }

        @Nullable
        Instant time() {
            return time;
        }

        boolean closed() {
            return closed;
        }
    }

    /**
     * Runs the verification.
     *
     * @throws IOException if the directory cannot be read
     */
    public VerificationReport verify() throws IOException {
        Path dir = dataDir.resolve("integrity");
        Properties log = new Properties();
        Path logFile = dir.resolve(IntegrityLog.LOG_FILE);
        if (!Files.exists(logFile)) {
            findings.add(new Finding(Kind.NO_CHECKPOINT, -1, "no integrity log in " + dir));
            return new VerificationReport(findings, 0, 0, 0);
        }
        try (var in = Files.newBufferedReader(logFile, StandardCharsets.UTF_8)) {
            log.load(in);
        }
        String origin = log.getProperty("origin", "");
        long first = Long.parseLong(log.getProperty("first-position", "0"));

        List<Signed> signed = checkpoints(dir, origin);
        if (signed.isEmpty()) {
            findings.add(new Finding(Kind.NO_CHECKPOINT, -1, "no checkpoint signed by a trusted key in " + dir));
        }
        heartbeats(signed, heartbeat, findings);
        NavigableMap<Long, byte[]> bySize = forks(signed, findings);

        byte[] stored = readLeaves(dir.resolve("hashes-00"));
        long storedCount = stored.length / HASH;
        Lines lines = readJournal(first);
        long maxSize = bySize.isEmpty() ? 0 : bySize.lastKey();

        boolean storedTrusted = true;
        if (storedCount < maxSize) {
            storedTrusted = false;
            findings.add(new Finding(
                    Kind.DAMAGED_TREE,
                    storedCount,
                    "the kept leaf hashes end at " + storedCount + " entries; the checkpoints commit to " + maxSize));
        } else {
            long bad = firstMismatch(bySize, i -> slice(stored, i));
            if (bad >= 0) {
                storedTrusted = false;
                findings.add(new Finding(
                        Kind.DAMAGED_TREE,
                        -1,
                        "the kept leaf hashes do not lead to the signed root" + " of the checkpoint of " + bad
                                + " entries: they were changed"));
            }
        }

        long pruned = Math.max(0, Math.min(lines.firstPosition, first + storedCount) - first);
        // the leaves the journal holds, at their positions; below them the kept hashes of lines retention deleted
        if (lines.segments.isEmpty()) {
            findings.add(new Finding(Kind.DELETED, -1, "the journal holds no segment file: every entry was deleted"));
            lines.firstPosition = first + storedCount;
            lines.endPosition = lines.firstPosition;
        }
        long journalEnd = lines.endPosition - first;
        long journalStart = lines.firstPosition - first;
        if (journalStart > storedCount && lines.count > 0) {
            findings.add(new Finding(
                    Kind.DAMAGED_TREE,
                    storedCount,
                    "positions " + (first + storedCount) + " to " + (lines.firstPosition - 1)
                            + " are neither in the journal nor in the kept hashes"));
        }
        long bad = firstMismatch(bySize.headMap(journalEnd, true), i -> {
            if (i < journalStart) {
                return i < storedCount ? slice(stored, i) : null;
            }
            return lines.leaf(i - journalStart);
        });
        long deletedAtEnd = 0;
        if (bad >= 0) {
            if (storedTrusted) {
                deletedAtEnd = locate(lines, stored, storedCount, first, maxSize);
            }
            if (findings.stream().noneMatch(f -> isTampering(f.kind()))) {
                findings.add(new Finding(
                        Kind.MODIFIED,
                        -1,
                        "the journal does not lead to the signed root of the"
                                + " checkpoint of " + bad + " entries"
                                + (storedTrusted
                                        ? ""
                                        : "; the kept hashes were changed" + " too, so where cannot be said")));
            }
        }
        if (journalEnd + deletedAtEnd < maxSize) {
            findings.add(new Finding(
                    Kind.CUT_TAIL,
                    first + journalEnd + deletedAtEnd,
                    "the journal ends at position "
                            + (first + journalEnd) + " but a checkpoint commits to " + maxSize + " entries: the newest "
                            + (maxSize - journalEnd - deletedAtEnd) + " were removed"));
        }
        if (!signed.isEmpty() && signed.get(signed.size() - 1).closed() && journalEnd > maxSize) {
            findings.add(new Finding(
                    Kind.UNCOVERED,
                    first + maxSize,
                    (journalEnd - maxSize) + " entries follow the"
                            + " last checkpoint, which marks a clean stop: they were added after it"));
        }
        return new VerificationReport(findings, lines.count, signed.size(), pruned);
    }

    private static boolean isTampering(Kind kind) {
        return kind == Kind.MODIFIED || kind == Kind.DELETED || kind == Kind.REORDERED;
    }

    /** Reads, checks and orders the checkpoints; reports those that do not verify. */
    private List<Signed> checkpoints(Path dir, String origin) throws IOException {
        List<Signed> out = new ArrayList<>();
        for (CheckpointFiles.Stored stored : CheckpointFiles.read(dir)) {
            String text = stored.note();
            if (text == null) {
                findings.add(new Finding(Kind.DAMAGED_CHECKPOINT, -1, stored.file() + ": " + stored.damage()));
                continue;
            }
            Signed signed = check(stored.file().toString(), text, origin, keys, findings);
            if (signed != null) {
                out.add(signed);
            }
        }
        return out;
    }

    /**
     * Parses a signed checkpoint and checks its signature by a trusted key and its origin; reports what is wrong and
     * returns {@code null}, or returns it.
     */
    static @Nullable Signed check(
            String where, String text, String origin, List<VerifierKey> keys, List<Finding> findings) {
        SignedNote note;
        Checkpoint body;
        try {
            note = SignedNote.parse(text);
            body = Checkpoint.parse(note.text());
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(Kind.DAMAGED_CHECKPOINT, -1, where + ": " + e.getMessage()));
            return null;
        }
        VerifierKey key = trusted(keys, note);
        if (key == null) {
            findings.add(new Finding(
                    Kind.UNKNOWN_KEY,
                    body.size(),
                    where + ": the checkpoint of " + body.size() + " entries is signed by no trusted key ("
                            + signers(note) + ")"));
            return null;
        }
        try {
            note.verify(key);
        } catch (ProofException e) {
            findings.add(new Finding(
                    Kind.BAD_SIGNATURE,
                    body.size(),
                    where + ": the checkpoint of " + body.size() + " entries: " + e.getMessage()));
            return null;
        }
        if (!body.origin().equals(origin)) {
            findings.add(new Finding(
                    Kind.DAMAGED_CHECKPOINT,
                    body.size(),
                    where + ": a checkpoint of" + " log '" + body.origin() + "' in the log of '" + origin + "'"));
            return null;
        }
        return new Signed(
                body.size(),
                body.rootHash(),
                IntegrityLog.timeOf(body),
                body.extensions().contains(IntegrityLog.CLOSED_LINE));
    }

    static @Nullable VerifierKey trusted(List<VerifierKey> keys, SignedNote note) {
        for (SignedNote.NoteSignature signature : note.signatures()) {
            for (VerifierKey key : keys) {
                if (key.name().equals(signature.keyName()) && key.keyId() == signature.keyId()) {
                    return key;
                }
            }
        }
        return null;
    }

    static String signers(SignedNote note) {
        List<String> names = new ArrayList<>();
        for (SignedNote.NoteSignature signature : note.signatures()) {
            names.add(signature.keyName() + "+" + String.format("%08x", signature.keyId()));
        }
        return String.join(", ", names);
    }

    /** Reports silences longer than the heartbeat allows, and time or size going backwards. */
    static void heartbeats(List<Signed> signed, Duration heartbeat, List<Finding> findings) {
        long limit = heartbeat.toMillis() + heartbeat.toMillis() / 2 + 5_000;
        for (int i = 1; i < signed.size(); i++) {
            Signed before = signed.get(i - 1);
            Signed after = signed.get(i);
            if (after.size() < before.size()) {
                findings.add(new Finding(
                        Kind.FORK,
                        after.size(),
                        "the checkpoint of " + after.size() + " entries follows one of " + before.size()
                                + ": the log went back"));
            }
            Instant t0 = before.time();
            Instant t1 = after.time();
            if (t0 == null || t1 == null || before.closed()) {
                continue;
            }
            long gap = Duration.between(t0, t1).toMillis();
            if (gap > limit) {
                findings.add(new Finding(
                        Kind.MISSING_HEARTBEAT,
                        before.size(),
                        "no checkpoint from " + t0 + " to "
                                + t1 + " (" + Duration.ofMillis(gap) + ") without a clean stop: the process stopped, or"
                                + " checkpoints were removed"));
            } else if (gap < 0) {
                findings.add(new Finding(
                        Kind.DAMAGED_CHECKPOINT,
                        after.size(),
                        "the checkpoint signed at " + t1 + " follows one signed at " + t0));
            }
        }
    }

    /** One root per size; two different roots for one size are a fork. */
    static NavigableMap<Long, byte[]> forks(List<Signed> signed, List<Finding> findings) {
        TreeMap<Long, byte[]> bySize = new TreeMap<>();
        for (Signed s : signed) {
            byte[] root = bySize.putIfAbsent(s.size(), s.root());
            if (root != null && !MessageDigest.isEqual(root, s.root())) {
                findings.add(new Finding(
                        Kind.FORK, s.size(), "two checkpoints of " + s.size() + " entries commit to different trees"));
            }
        }
        return bySize;
    }

    /** A leaf hash by index, or {@code null} where there is none. */
    interface Leaves {
        byte @Nullable [] leaf(long index);
    }

    /**
     * Recomputes the tree leaf by leaf, and returns the smallest checkpoint size whose root it does not lead to, or
     * -1 if it leads to all.
     */
    static long firstMismatch(java.util.SortedMap<Long, byte[]> bySize, Leaves leaves) {
        List<byte[]> frontier = new ArrayList<>();
        long count = 0;
        for (var entry : bySize.entrySet()) {
            long size = entry.getKey();
            while (count < size) {
                byte[] leaf = leaves.leaf(count);
                if (leaf == null) {
                    return size;
                }
                push(frontier, leaf, count);
                count++;
            }
            byte[] root = size == 0 ? Merkle.emptyRoot() : fold(frontier);
            if (!MessageDigest.isEqual(root, entry.getValue())) {
                return size;
            }
        }
        return -1;
    }

    /** Adds leaf {@code index} to the right edge of the tree: the roots of its perfect subtrees, largest first. */
    static void push(List<byte[]> frontier, byte[] leaf, long index) {
        byte[] hash = leaf;
        long n = index;
        while ((n & 1) == 1) {
            hash = Merkle.nodeHash(frontier.remove(frontier.size() - 1), hash);
            n >>= 1;
        }
        frontier.add(hash);
    }

    static byte[] fold(List<byte[]> frontier) {
        byte[] root = frontier.get(frontier.size() - 1);
        for (int i = frontier.size() - 2; i >= 0; i--) {
            root = Merkle.nodeHash(frontier.get(i), root);
        }
        return root;
    }

    /**
     * Compares the journal's lines with the kept leaf hashes, which the checkpoints vouch for, segment by segment,
     * and reports each place they part: a changed line, deleted ones (the rest of their segment moved up), two lines
     * swapped, a range in no segment file. Returns how many entries were deleted from the last segment.
     */
    private long locate(Lines lines, byte[] stored, long storedCount, long first, long maxSize) {
        long limit = Math.min(storedCount, maxSize);
        long explainedGapAt = -1;
        long explainedGap = 0;
        long offset = 0;
        for (Lines.Segment segment : lines.segments) {
            offset = 0;
            long end = segment.start() + segment.count();
            for (long position = segment.start(); position < end; position++) {
                long s = position - first + offset;
                if (s >= limit) {
                    break;
                }
                byte[] line = lines.leaf(position - lines.firstPosition);
                if (line == null || MessageDigest.isEqual(line, slice(stored, s))) {
                    continue;
                }
                byte[] nextLine = position + 1 < end ? lines.leaf(position + 1 - lines.firstPosition) : null;
                if (nextLine != null
                        && s + 1 < limit
                        && MessageDigest.isEqual(line, slice(stored, s + 1))
                        && MessageDigest.isEqual(nextLine, slice(stored, s))) {
                    findings.add(new Finding(
                            Kind.REORDERED,
                            first + s,
                            "entries " + (first + s) + " and " + (first + s + 1) + " in " + segment.file()
                                    + " are in each other's place"));
                    position++;
                    continue;
                }
                int deleted = 0;
                for (int d = 1; d <= 1000 && s + d < limit; d++) {
                    if (MessageDigest.isEqual(line, slice(stored, s + d))) {
                        deleted = d;
                        break;
                    }
                }
                if (deleted > 0) {
                    findings.add(new Finding(
                            Kind.DELETED,
                            first + s,
                            deleted + (deleted == 1 ? " entry" : " entries")
                                    + " deleted from " + segment.file() + " at position " + (first + s)
                                    + "; the lines after moved up"));
                    offset += deleted;
                    continue;
                }
                findings.add(new Finding(
                        Kind.MODIFIED,
                        first + s,
                        "the line at position " + (first + s) + " in " + segment.file()
                                + " differs from the entry the checkpoints commit to"));
            }
            if (offset > 0) {
                explainedGapAt = end;
                explainedGap = offset;
            }
        }
        for (long[] gap : lines.gaps) {
            long from = gap[0];
            if (from == explainedGapAt) {
                from += explainedGap;
            }
            if (from < gap[1]) {
                findings.add(new Finding(
                        Kind.DELETED,
                        from,
                        "positions " + from + " to " + (gap[1] - 1) + " are in no segment file: " + (gap[1] - from)
                                + " entries deleted"));
            }
        }
        return offset;
    }

    private static byte[] slice(byte[] leaves, long index) {
        int from = Math.toIntExact(index * HASH);
        return Arrays.copyOfRange(leaves, from, from + HASH);
    }

    private static byte[] readLeaves(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new byte[0];
        }
        byte[] bytes = Files.readAllBytes(file);
        return bytes.length % HASH == 0 ? bytes : Arrays.copyOf(bytes, bytes.length - bytes.length % HASH);
    }

    /** The journal's lines as leaf hashes at their positions, from the segment files. */
    private static final class Lines {
        record Segment(String file, long start, long count) {}

        final List<Segment> segments = new ArrayList<>();
        final List<long[]> gaps = new ArrayList<>();
        long firstPosition;
        long endPosition;
        long count;
        /** Leaf hashes from {@link #firstPosition} on; a gap's positions hold zeros and are marked missing. */
        byte[] leaves = new byte[HASH * 1024];

        java.util.BitSet missing = new java.util.BitSet();

        byte @Nullable [] leaf(long index) {
            if (index < 0 || index >= endPosition - firstPosition || missing.get(Math.toIntExact(index))) {
                return null;
            }
            return slice(leaves, index);
        }

        void add(byte[] hash) {
            long index = endPosition - firstPosition;
            int at = Math.toIntExact(index * HASH);
            if (at + HASH > leaves.length) {
                leaves = Arrays.copyOf(leaves, Math.max(leaves.length * 2, at + HASH));
            }
            System.arraycopy(hash, 0, leaves, at, HASH);
            endPosition++;
        }
    }

    private Lines readJournal(long first) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dataDir)) {
            list.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
                    .sorted()
                    .forEach(files::add);
        }
        Lines lines = new Lines();
        MessageDigest digest = IntegrityLog.sha256();
        boolean started = false;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            Matcher m = SEGMENT.matcher(file.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            long start = Long.parseLong(m.group(1));
            if (!started) {
                lines.firstPosition = Math.max(start, first);
                lines.endPosition = lines.firstPosition;
                started = true;
            } else if (start > lines.endPosition) {
                lines.gaps.add(new long[] {lines.endPosition, start});
                while (lines.endPosition < start) {
                    lines.missing.set(Math.toIntExact(lines.endPosition - lines.firstPosition));
                    lines.add(new byte[HASH]);
                }
            }
            long before = lines.endPosition;
            long position = start;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                boolean open = false;
                int read;
                while ((read = in.read(buffer)) > 0) {
                    int from = 0;
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] != '\n') {
                            continue;
                        }
                        if (!open) {
                            digest.update((byte) 0);
                        }
                        digest.update(buffer, from, i - from);
                        byte[] leaf = digest.digest();
                        open = false;
                        if (position >= lines.firstPosition) {
                            lines.add(leaf);
                            lines.count++;
                        }
                        position++;
                        from = i + 1;
                    }
                    if (from < read) {
                        if (!open) {
                            digest.update((byte) 0);
                            open = true;
                        }
                        digest.update(buffer, from, read - from);
                    }
                }
                digest.reset(); // a torn last line is not an entry
            }
            lines.segments.add(new Lines.Segment(file.getFileName().toString(), before, lines.endPosition - before));
        }
        return lines;
    }
}
