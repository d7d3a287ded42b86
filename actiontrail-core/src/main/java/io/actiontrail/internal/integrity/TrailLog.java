package io.actiontrail.internal.integrity;

import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.Merkle;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.internal.Files2;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The Merkle log of what one trail sends one sink: a leaf for each event the shipper hands the sink, in journal order
 * (the leaf hash of the exact line the sink receives), and a checkpoint signed for each batch, covering the log up to
 * the batch's last event, that the sink stores next to the events.
 *
 * <p>Nobody asks this log for proofs (a sink's copy is checked by recomputing the tree from what it holds), so it keeps
 * only the tree's right edge: the roots of its perfect subtrees, at most one per level, enough to add leaves and
 * compute the root. Its file, {@code <dataDir>/integrity/trails/<trail>/<sink>/log.properties}, is a few kilobytes
 * whatever the trail's volume, rewritten atomically with each batch before the sink sees it. It holds two states: what
 * the sink had before the batch in flight ({@code committed}), and with it ({@code pending}). At open the shipper's
 * cursor says which one the sink reached: a cursor at or past the batch's end means it was delivered; otherwise it is
 * delivered again from the cursor and hashes to the same leaves, since the shipper only hashes lines the journal has
 * fsynced. A missing or unreadable file starts a new log, which a verifier then sees as a fork; a warning says so.
 *
 * <p>Not thread-safe: one shipper thread uses it.
 */
@InternalApi
public final class TrailLog {

    static final String FILE = "log.properties";
    private static final java.util.regex.Pattern SPACE = java.util.regex.Pattern.compile(" ");

    private final String origin;
    private final Integrity settings;
    private final Clock clock;
    private final Path file;
    private final MessageDigest digest = IntegrityLog.sha256();

    private State committed;
    private @Nullable State pending;

    /** A size of the log, the journal position after its last leaf, and the roots of its perfect subtrees. */
    private static final class State {
        final long end;
        final long size;
        final List<byte[]> frontier;

        State(long end, long size, List<byte[]> frontier) {
            this.end = end;
            this.size = size;
            this.frontier = List.copyOf(frontier);
        }

        byte[] root() {
            return size == 0 ? Merkle.emptyRoot() : JournalVerifier.fold(new ArrayList<>(frontier));
        }

        String text() {
            StringBuilder out = new StringBuilder().append(end).append(' ').append(size);
            for (byte[] hash : frontier) {
                out.append(' ').append(HexFormat.of().formatHex(hash));
            }
            return out.toString();
        }

        static State parse(String text) {
            String[] parts = SPACE.split(text.strip(), -1);
            if (parts.length < 2) {
                throw new IllegalArgumentException("not a log state: '" + text + "'");
            }
            long end = Long.parseLong(parts[0]);
            long size = Long.parseLong(parts[1]);
            List<byte[]> frontier = new ArrayList<>();
            for (int i = 2; i < parts.length; i++) {
                byte[] hash = HexFormat.of().parseHex(parts[i]);
                if (hash.length != Merkle.HASH_BYTES) {
                    throw new IllegalArgumentException("not a hash: " + parts[i]);
                }
                frontier.add(hash);
            }
            if (size < 0 || end < 0 || frontier.size() != Long.bitCount(size)) {
                throw new IllegalArgumentException("a log of " + size + " leaves has " + Long.bitCount(size)
                        + " subtree roots, not " + frontier.size());
            }
            return new State(end, size, frontier);
        }
    }

    private TrailLog(String origin, Integrity settings, Clock clock, Path file, State committed) {
        this.origin = origin;
        this.settings = settings;
        this.clock = clock;
        this.file = file;
        this.committed = committed;
    }

    /**
     * Opens the log of sink {@code sink} of trail {@code trail}, where the shipper's cursor is {@code cursor}; a new
     * log when there is none.
     *
     * @param warning told why a log that existed could not be continued
     * @throws IOException if the directory cannot be created or the file read
     */
    public static TrailLog open(
            Path dataDir,
            String trail,
            String sink,
            long cursor,
            Integrity settings,
            Clock clock,
            java.util.function.Consumer<String> warning)
            throws IOException {
        Path dir = dataDir.resolve("integrity");
        for (String name : List.of("trails", segment(trail), segment(sink))) {
            Files2.createPrivateDirectories(dir);
            dir = dir.resolve(name);
        }
        Files2.createPrivateDirectories(dir);
        Path file = dir.resolve(FILE);
        String origin = originOf(settings, trail, sink);
        State start = new State(0, 0, List.of());
        if (Files.exists(file)) {
            Properties properties = new Properties();
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
            try {
                if (!origin.equals(properties.getProperty("origin"))) {
                    throw new IllegalArgumentException(
                            "it is the log of '" + properties.getProperty("origin") + "', not of '" + origin + "'");
                }
                State committed = State.parse(properties.getProperty("committed", ""));
                String pendingText = properties.getProperty("pending");
                State pending = pendingText == null ? null : State.parse(pendingText);
                start = pending != null && cursor >= pending.end ? pending : committed;
            } catch (IllegalArgumentException e) {
                warning.accept("ActionTrail: the Merkle log of sink '" + sink + "' of trail '" + trail + "' in " + file
                        + " cannot be continued (" + e.getMessage() + "); a new log starts at size 0, which a"
                        + " verifier of the sink's copy reports as a fork");
            }
        }
        return new TrailLog(origin, settings, clock, file, start);
    }

    /** The origin line of a trail sink's checkpoints: the journal log's origin, the trail and the sink. */
    public static String originOf(Integrity settings, String trail, String sink) {
        return settings.origin() + "/" + trail + "/" + sink;
    }

    /** A name as one directory: characters other than letters, digits, {@code . _ -} become {@code _}. */
    static String segment(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean safe = (Character.isLetterOrDigit(c) && c < 128) || c == '.' || c == '_' || c == '-';
            out.append(safe ? c : '_');
        }
        String s = out.toString();
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" + s : s;
    }

    /** The number of leaves the sink holds: those of the batches delivered (or settled) so far. */
    public long size() {
        return committed.size;
    }

    /** The origin line of this log's checkpoints. */
    public String origin() {
        return origin;
    }

    /**
     * Adds a batch's records as the next leaves, persists the log with and without them, and returns their leaf
     * indexes; {@code null}, adding nothing, when a record lies at or before a position the log already covers (a batch
     * the sink got before, sent again because its cursor could not be saved), which then travels without a checkpoint.
     * Positions must increase.
     *
     * @throws IOException if the log's file cannot be written; nothing is added
     */
    public long @Nullable [] stage(List<AuditRecord> records, long[] positions) throws IOException {
        if (positions.length == 0 || positions[0] < committed.end) {
            return null;
        }
        List<byte[]> frontier = new ArrayList<>(committed.frontier);
        long[] leaves = new long[records.size()];
        long size = committed.size;
        for (int i = 0; i < leaves.length; i++) {
            leaves[i] = size;
            JournalVerifier.push(frontier, leafHash(records.get(i)), size);
            size++;
        }
        State staged = new State(positions[positions.length - 1] + 1, size, frontier);
        write(committed, staged);
        pending = staged;
        return leaves;
    }

    /** Says that the staged batch reached the sink, or was settled for good (delivered, or dropped and counted). */
    public void delivered() {
        State p = pending;
        if (p != null) {
            committed = p;
            pending = null;
        }
    }

    /** Signs the checkpoint of the staged batch: the log with its leaves. */
    public SignedNote checkpointOfStaged() {
        State p = pending;
        if (p == null) {
            throw new IllegalStateException("no batch is staged");
        }
        return sign(p, false);
    }

    /** Signs the checkpoint of what the sink holds, at the current time: a heartbeat, or the last at a clean stop. */
    public SignedNote checkpoint(boolean closing) {
        return sign(committed, closing);
    }

    private SignedNote sign(State state, boolean closing) {
        List<String> extensions = new ArrayList<>(2);
        extensions.add(IntegrityLog.TIME_PREFIX + clock.instant());
        if (closing) {
            extensions.add(IntegrityLog.CLOSED_LINE);
        }
        Checkpoint body = new Checkpoint(origin, state.size, state.root(), extensions);
        return SignedNote.sign(body.body(), settings.signer());
    }

    private void write(State before, State after) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("origin", origin);
        properties.setProperty("committed", before.text());
        properties.setProperty("pending", after.text());
        java.io.StringWriter text = new java.io.StringWriter();
        properties.store(
                text,
                " the Merkle log of what one trail sends one sink: its size and right edge, before and with the batch in"
                        + " flight");
        Files2.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private byte[] leafHash(AuditRecord record) throws IOException {
        digest.update((byte) 0);
        record.writeTo(new OutputStream() {
            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        });
        return digest.digest();
    }

    @Override
    public String toString() {
        return "TrailLog{" + origin + ", " + committed.size + " leaves}";
    }
}
