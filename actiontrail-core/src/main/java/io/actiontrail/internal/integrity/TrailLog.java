package io.actiontrail.internal.integrity;

import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Merkle log of what one trail sends one sink: a leaf for each event the shipper hands the sink, in journal order
 * (the leaf hash of the exact line the sink receives), and a checkpoint signed for each batch, covering the log up to
 * the batch's last event, that the sink stores next to the events. Lives in
 * {@code <dataDir>/integrity/trails/<trail>/<sink>}: the tree's hashes ({@link HashStore}) and {@code positions}, the
 * journal position of each leaf, so that a batch delivered again after a crash maps onto the leaves it already has
 * instead of adding them twice.
 *
 * <p>The shipper appends only lines the journal has fsynced, so the leaves are a function of the durable journal: a
 * crash that loses the newest leaves (they are written, not fsynced, per batch) recomputes the same ones.
 *
 * <p>Not thread-safe: one shipper thread uses it.
 */
@InternalApi
public final class TrailLog implements AutoCloseable {

    private static final int POSITION = Long.BYTES;

    private final String origin;
    private final Integrity settings;
    private final Clock clock;
    private final HashStore store;
    private final FileChannel positions;
    private final MessageDigest digest = IntegrityLog.sha256();
    private final ByteBuffer one = ByteBuffer.allocate(POSITION);
    private long lastPosition = -1;

    private TrailLog(String origin, Integrity settings, Clock clock, HashStore store, FileChannel positions) {
        this.origin = origin;
        this.settings = settings;
        this.clock = clock;
        this.store = store;
        this.positions = positions;
    }

    /**
     * Opens the log of sink {@code sink} of trail {@code trail}, created if absent, cut back to the journal's
     * {@code journalEnd} (positions at or beyond it are lines a damaged journal no longer holds).
     *
     * @throws IOException if its files cannot be opened
     */
    public static TrailLog open(
            Path dataDir, String trail, String sink, long journalEnd, Integrity settings, Clock clock)
            throws IOException {
        Path dir = dataDir.resolve("integrity")
                .resolve("trails")
                .resolve(segment(trail))
                .resolve(segment(sink));
        Files.createDirectories(dir);
        HashStore store = HashStore.open(dir);
        FileChannel positions = null;
        try {
            positions = FileChannel.open(
                    dir.resolve("positions"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            TrailLog log = new TrailLog(originOf(settings, trail, sink), settings, clock, store, positions);
            log.reconcile(journalEnd);
            return log;
        } catch (IOException | RuntimeException e) {
            if (positions != null) {
                positions.close();
            }
            store.close();
            throw e;
        }
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

    /** Makes the leaves and their positions agree after a crash, and drops what lies beyond the journal's end. */
    private void reconcile(long journalEnd) throws IOException {
        long counted = positions.size() / POSITION;
        long size = Math.min(counted, store.size());
        while (size > 0 && positionAt(size - 1) >= journalEnd) {
            size--;
        }
        if (store.size() > size) {
            store.truncate(size);
        }
        positions.truncate(size * POSITION);
        lastPosition = size == 0 ? -1 : positionAt(size - 1);
    }

    /** The number of leaves. */
    public long size() {
        return store.size();
    }

    /** The origin line of this log's checkpoints. */
    public String origin() {
        return origin;
    }

    /**
     * Returns the leaf index of each record, appending the records at positions after the log's last one; records at
     * earlier positions (a batch delivered again after a restart) map onto the leaves they already have. Positions
     * must increase.
     *
     * @throws IOException if the files cannot be written
     * @throws IllegalStateException if an earlier position is not in the log (the journal changed behind it)
     */
    public long[] append(List<AuditRecord> records, long[] journalPositions) throws IOException {
        long[] leaves = new long[records.size()];
        ByteBuffer buffer = null;
        for (int i = 0; i < leaves.length; i++) {
            long position = journalPositions[i];
            if (position <= lastPosition) {
                leaves[i] = find(position);
                continue;
            }
            if (buffer == null) {
                buffer = ByteBuffer.allocate((leaves.length - i) * POSITION);
            }
            leaves[i] = store.size();
            store.append(leafHash(records.get(i)));
            buffer.putLong(position);
            lastPosition = position;
        }
        if (buffer != null) {
            buffer.flip();
            long at = positions.size();
            while (buffer.hasRemaining()) {
                at += positions.write(buffer, at);
            }
            store.flush(false);
        }
        return leaves;
    }

    /** Signs a checkpoint of the first {@code size} leaves, at the current time. */
    public SignedNote checkpoint(long size, boolean closing) {
        List<String> extensions = new ArrayList<>(2);
        extensions.add(IntegrityLog.TIME_PREFIX + clock.instant());
        if (closing) {
            extensions.add(IntegrityLog.CLOSED_LINE);
        }
        Checkpoint body = new Checkpoint(origin, size, store.root(size), extensions);
        return SignedNote.sign(body.body(), settings.signer());
    }

    /** The time {@code note} says it was signed, or {@code null}. */
    public static @Nullable Instant timeOf(SignedNote note) {
        return IntegrityLog.timeOf(Checkpoint.parse(note.text()));
    }

    /** Writes everything and forces it to disk. */
    public void sync() throws IOException {
        store.flush(true);
        positions.force(false);
    }

    @Override
    public void close() throws IOException {
        try {
            sync();
        } finally {
            try {
                positions.close();
            } finally {
                store.close();
            }
        }
    }

    /** The number of leaves at journal positions before {@code position}: what a shipper there has delivered. */
    public long sizeBefore(long position) throws IOException {
        long low = 0;
        long high = store.size();
        while (low < high) {
            long mid = (low + high) >>> 1;
            if (positionAt(mid) < position) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** The leaf at journal position {@code position}, by binary search over the positions. */
    private long find(long position) throws IOException {
        long low = 0;
        long high = store.size() - 1;
        while (low <= high) {
            long mid = (low + high) >>> 1;
            long at = positionAt(mid);
            if (at < position) {
                low = mid + 1;
            } else if (at > position) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        throw new IllegalStateException("journal position " + position + " is not in the log of '" + origin
                + "': the journal was changed behind it");
    }

    private long positionAt(long leaf) throws IOException {
        one.clear();
        long at = leaf * POSITION;
        while (one.hasRemaining()) {
            if (positions.read(one, at + one.position()) < 0) {
                throw new IOException("the positions file ends before leaf " + leaf);
            }
        }
        return one.getLong(0);
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
        return "TrailLog{" + origin + ", " + store.size() + " leaves}";
    }
}
