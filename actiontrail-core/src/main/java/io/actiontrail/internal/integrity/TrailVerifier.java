package io.actiontrail.internal.integrity;

import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.Merkle;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.integrity.TrailManifest;
import io.actiontrail.integrity.VerificationReport;
import io.actiontrail.integrity.VerificationReport.Finding;
import io.actiontrail.integrity.VerificationReport.Kind;
import io.actiontrail.integrity.VerifierKey;
import io.actiontrail.internal.InternalApi;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Checks what a sink holds of a trail against the trail's signed checkpoints, offline, reading only: a local copy of
 * an object store prefix (objects of JSON lines, gzip-compressed or not, and the {@link TrailManifest manifests},
 * {@code *.json}, anywhere in it), or a file of JSON lines where checkpoints come as {@code {"actiontrailCheckpoint": "<note>"}}
 * lines after the events they cover. For each log found (one per trail and sink, by origin) it puts the lines back in
 * log order, recomputes every checkpoint's root, and reports leaves no object holds (deleted events or objects), a
 * root the lines do not lead to (a changed, added or reordered line), lines no checkpoint covers, two roots for one
 * size, silences longer than the heartbeat, and, given the time of the copy, a newest checkpoint too old to be the
 * last (the newest objects removed with their checkpoints). Keeps 32 bytes per leaf in memory.
 *
 * <p>What it trusts: the keys given, nothing in the copy. Not thread-safe: one instance per verification.
 */
@InternalApi
public final class TrailVerifier {

    private static final String CHECKPOINT_PREFIX = "{\"" + TrailManifest.CHECKPOINT_LINE_FIELD + "\":";
    private static final int HASH = Merkle.HASH_BYTES;
    private static final String MANIFEST_SUFFIX = ".json";
    private static final long MAX_LEAVES = Integer.MAX_VALUE / HASH;

    private final List<VerifierKey> keys;
    private final Duration heartbeat;
    private final @Nullable Instant asOf;
    private final List<Finding> findings = new ArrayList<>();
    private long entries;
    private long checkpoints;

    /**
     * @param keys the keys trusted to sign checkpoints
     * @param heartbeat the trail's heartbeat interval; a longer silence without a clean stop is a finding
     * @param asOf when the copy was taken: a newest checkpoint older than the heartbeat allows is a cut tail; {@code
     *     null} to skip that check
     */
    public TrailVerifier(List<VerifierKey> keys, Duration heartbeat, @Nullable Instant asOf) {
        this.keys = List.copyOf(keys);
        this.heartbeat = heartbeat;
        this.asOf = asOf;
    }

    /**
     * Verifies a copy: a directory is an object store prefix's copy, a file a file of JSON lines.
     *
     * @throws IOException if it cannot be read
     */
    public VerificationReport verify(Path copy) throws IOException {
        if (Files.isDirectory(copy)) {
            verifyObjects(copy);
        } else {
            verifyLines(copy);
        }
        return new VerificationReport(findings, entries, checkpoints, 0);
    }

    /** One log's checkpoints and leaves, as read from the copy. */
    private static final class Log {
        final String origin;
        final List<Stored> notes = new ArrayList<>();
        byte[] hashes = new byte[64 * HASH];
        final BitSet present = new BitSet();
        long end;

        Log(String origin) {
            this.origin = origin;
        }

        void put(long leaf, byte[] hash) {
            if (leaf >= MAX_LEAVES) {
                throw new IllegalArgumentException("leaf " + leaf + " is beyond what one verification holds");
            }
            int at = (int) leaf * HASH;
            if (at + HASH > hashes.length) {
                hashes = java.util.Arrays.copyOf(hashes, Math.max(at + HASH, hashes.length * 2));
            }
            System.arraycopy(hash, 0, hashes, at, HASH);
            present.set((int) leaf);
            end = Math.max(end, leaf + 1);
        }

        byte @Nullable [] leaf(long index) {
            if (index >= end || !present.get((int) index)) {
                return null;
            }
            int at = (int) index * HASH;
            return java.util.Arrays.copyOfRange(hashes, at, at + HASH);
        }
    }

    private record Stored(String where, String note) {}

    private void verifyObjects(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Map<String, Log> logs = new LinkedHashMap<>();
        Set<String> listed = new HashSet<>();
        List<Path> manifests = new ArrayList<>();
        for (Path file : files) {
            if (file.getFileName().toString().endsWith(MANIFEST_SUFFIX)) {
                manifests.add(file);
            }
        }
        for (Path file : manifests) {
            String where = key(root, file);
            TrailManifest manifest;
            String origin;
            try {
                manifest = TrailManifest.parse(Files.readString(file, StandardCharsets.UTF_8));
                origin = Checkpoint.parse(manifest.checkpoint().text()).origin();
            } catch (IllegalArgumentException | IOException e) {
                findings.add(new Finding(Kind.DAMAGED_CHECKPOINT, -1, where + ": " + e.getMessage()));
                continue;
            }
            Log log = logs.computeIfAbsent(origin, Log::new);
            log.notes.add(new Stored(where, manifest.checkpoint().toString()));
            for (TrailManifest.Part part : manifest.parts()) {
                listed.add(part.key());
                readObject(root, where, part, log);
            }
        }
        for (Log log : logs.values()) {
            check(log);
        }
        Set<java.nio.ByteBuffer> known = null;
        for (Path file : files) {
            String key = key(root, file);
            if (file.getFileName().toString().endsWith(MANIFEST_SUFFIX) || listed.contains(key)) {
                continue;
            }
            if (known == null) {
                known = knownLeaves(logs.values());
            }
            // an object a crash left before its manifest holds events the batch's next delivery brought again
            // under one: not a finding when every line is such a leaf
            if (!known.containsAll(wrap(lines(file)))) {
                findings.add(new Finding(
                        Kind.UNCOVERED,
                        -1,
                        key + ": an object no manifest lists, with lines no checkpoint covers: added, or its"
                                + " manifest deleted"));
            }
        }
        if (logs.isEmpty()) {
            findings.add(new Finding(Kind.NO_CHECKPOINT, -1, "no readable manifest (*.json) in " + root));
        }
    }

    private static Set<java.nio.ByteBuffer> knownLeaves(java.util.Collection<Log> logs) {
        Set<java.nio.ByteBuffer> known = new HashSet<>();
        for (Log log : logs) {
            for (int i = log.present.nextSetBit(0); i >= 0; i = log.present.nextSetBit(i + 1)) {
                byte[] leaf = log.leaf(i);
                if (leaf != null) {
                    known.add(java.nio.ByteBuffer.wrap(leaf));
                }
            }
        }
        return known;
    }

    private static List<java.nio.ByteBuffer> wrap(List<byte[]> hashes) {
        List<java.nio.ByteBuffer> out = new ArrayList<>(hashes.size());
        for (byte[] hash : hashes) {
            out.add(java.nio.ByteBuffer.wrap(hash));
        }
        return out;
    }

    private static String key(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private void readObject(Path root, String manifest, TrailManifest.Part part, Log log) throws IOException {
        Path file = root.resolve(part.key()).normalize();
        long[] leaves;
        try {
            leaves = TrailManifest.leaves(part.leaves(), MAX_LEAVES);
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(Kind.DAMAGED_CHECKPOINT, -1, manifest + ": " + e.getMessage()));
            return;
        }
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            findings.add(new Finding(
                    Kind.DELETED,
                    leaves.length == 0 ? -1 : leaves[0],
                    part.key() + ": the object holding leaves " + part.leaves() + " (listed by " + manifest
                            + ") is missing"));
            return;
        }
        List<byte[]> lines = lines(file);
        for (int i = 0; i < Math.min(lines.size(), leaves.length); i++) {
            log.put(leaves[i], lines.get(i));
        }
        if (lines.size() != leaves.length) {
            findings.add(new Finding(
                    lines.size() < leaves.length ? Kind.DELETED : Kind.UNCOVERED,
                    leaves.length == 0 ? -1 : leaves[Math.min(lines.size(), leaves.length - 1)],
                    part.key() + ": holds " + lines.size() + " lines, its manifest " + manifest + " lists "
                            + leaves.length + ": lines were " + (lines.size() < leaves.length ? "removed" : "added")));
        }
        entries += Math.min(lines.size(), leaves.length);
    }

    /** The leaf hash of every line of an object, gzip-compressed or not. */
    private static List<byte[]> lines(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            InputStream in = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw) : raw;
            eachLine(in, line -> out.add(leafHash(line)));
        }
        return out;
    }

    private interface LineSink {
        void line(byte[] line) throws IOException;
    }

    private static void eachLine(InputStream in, LineSink sink) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    sink.line(line.toByteArray());
                    line.reset();
                } else {
                    line.write(buffer[i]);
                }
            }
        }
        if (line.size() > 0) {
            sink.line(line.toByteArray());
        }
    }

    private void verifyLines(Path file) throws IOException {
        Map<String, Log> logs = new LinkedHashMap<>();
        Log[] current = {null};
        List<byte[]> pending = new ArrayList<>();
        long[] number = {0};
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            eachLine(in, line -> {
                number[0]++;
                String where = file.getFileName() + " line " + number[0];
                String text = new String(line, StandardCharsets.UTF_8);
                if (!text.startsWith(CHECKPOINT_PREFIX)) {
                    pending.add(leafHash(line));
                    return;
                }
                String note;
                String origin;
                long size;
                try {
                    note = TrailManifest.parse("{\"checkpoint\":" + text.substring(CHECKPOINT_PREFIX.length()))
                            .checkpoint()
                            .toString();
                    Checkpoint body = Checkpoint.parse(SignedNote.parse(note).text());
                    origin = body.origin();
                    size = body.size();
                } catch (IllegalArgumentException e) {
                    findings.add(new Finding(Kind.DAMAGED_CHECKPOINT, -1, where + ": " + e.getMessage()));
                    return;
                }
                Log log = logs.computeIfAbsent(origin, Log::new);
                if (current[0] != null && current[0] != log && !pending.isEmpty()) {
                    findings.add(new Finding(
                            Kind.DAMAGED_CHECKPOINT,
                            -1,
                            where + ": the file mixes the logs of '" + current[0].origin + "' and '" + origin
                                    + "'; only one log per file can be put back in order"));
                }
                current[0] = log;
                // delivery is at least once: a batch sent again after a crash comes again with its checkpoint; lines
                // that repeat, hash for hash, the leaves their checkpoint places them at are that, not new entries
                long first = size - pending.size();
                int repeated = 0;
                while (repeated < pending.size()
                        && first + repeated >= 0
                        && first + repeated < log.end
                        && java.util.Arrays.equals(log.leaf(first + repeated), pending.get(repeated))) {
                    repeated++;
                }
                if (repeated > 0 && first + repeated == log.end) {
                    pending.subList(0, repeated).clear();
                }
                for (byte[] hash : pending) {
                    log.put(log.end, hash);
                }
                entries += pending.size();
                pending.clear();
                log.notes.add(new Stored(where, note));
            });
        }
        if (!pending.isEmpty()) {
            findings.add(new Finding(
                    Kind.UNCOVERED,
                    current[0] == null ? -1 : current[0].end,
                    pending.size() + " lines after the last checkpoint line: no checkpoint covers them"));
            entries += pending.size();
        }
        if (logs.isEmpty()) {
            findings.add(new Finding(Kind.NO_CHECKPOINT, -1, "no checkpoint line in " + file));
        }
        for (Log log : logs.values()) {
            check(log);
        }
    }

    /** Checks one log: signatures, heartbeats, forks, then the leaves against every root. */
    private void check(Log log) {
        List<JournalVerifier.Signed> signed = new ArrayList<>();
        for (Stored stored : log.notes) {
            JournalVerifier.Signed s = JournalVerifier.check(stored.where(), stored.note(), log.origin, keys, findings);
            if (s != null) {
                signed.add(s);
            }
        }
        checkpoints += signed.size();
        if (signed.isEmpty()) {
            findings.add(new Finding(
                    Kind.NO_CHECKPOINT, -1, "no checkpoint of '" + log.origin + "' is signed by a trusted key"));
            return;
        }
        signed.sort(Comparator.comparing((JournalVerifier.Signed s) -> s.time() == null ? Instant.MIN : s.time())
                .thenComparingLong(JournalVerifier.Signed::size));
        JournalVerifier.heartbeats(signed, heartbeat, findings);
        JournalVerifier.Signed newest = signed.get(signed.size() - 1);
        Instant newestTime = newest.time();
        long limit = heartbeat.toMillis() + heartbeat.toMillis() / 2 + 5_000;
        if (asOf != null
                && newestTime != null
                && !newest.closed()
                && Duration.between(newestTime, asOf).toMillis() > limit) {
            findings.add(new Finding(
                    Kind.CUT_TAIL,
                    newest.size(),
                    "'" + log.origin + "': the newest checkpoint is from " + newestTime + ", " + asOf
                            + " is later than its heartbeat allows: the trail stopped without a clean stop, or its"
                            + " newest objects and checkpoints were removed"));
        }
        NavigableMap<Long, byte[]> bySize = JournalVerifier.forks(signed, findings);
        long maxSize = bySize.lastKey();
        long firstGap = -1;
        long leaf = log.present.nextClearBit(0);
        while (leaf < maxSize) {
            int nextSet = log.present.nextSetBit((int) leaf);
            long next = nextSet < 0 ? maxSize : Math.min(maxSize, nextSet);
            findings.add(new Finding(
                    Kind.DELETED,
                    leaf,
                    "'" + log.origin + "': entries " + leaf + " to " + (next - 1)
                            + " are signed for but not in the copy: events or objects were removed (in a file of"
                            + " lines, removed lines anywhere before a checkpoint move the later ones up)"));
            if (firstGap < 0) {
                firstGap = leaf;
            }
            leaf = next >= maxSize ? maxSize : log.present.nextClearBit((int) next);
        }
        NavigableMap<Long, byte[]> checkable = firstGap < 0 ? bySize : bySize.headMap(firstGap, true);
        long bad = JournalVerifier.firstMismatch(checkable, log::leaf);
        if (bad >= 0) {
            Long before = checkable.lowerKey(bad);
            findings.add(new Finding(
                    Kind.MODIFIED,
                    before == null ? 0 : before,
                    "'" + log.origin + "': the entries do not lead to the signed root of the checkpoint of " + bad
                            + " entries: one of entries " + (before == null ? 0 : before) + " to " + (bad - 1)
                            + " was changed, removed or added, or they were reordered"));
        }
        if (log.end > maxSize) {
            findings.add(new Finding(
                    Kind.UNCOVERED,
                    maxSize,
                    "'" + log.origin + "': " + (log.end - maxSize) + " entries follow the newest checkpoint (" + maxSize
                            + " entries): no checkpoint covers them"));
        }
    }

    private static byte[] leafHash(byte[] line) {
        MessageDigest digest = IntegrityLog.sha256();
        digest.update((byte) 0);
        digest.update(line);
        return digest.digest();
    }
}
