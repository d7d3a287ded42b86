package io.actiontrail.internal.integrity;

import io.actiontrail.integrity.Merkle;
import io.actiontrail.internal.Files2;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The hashes of a Merkle tree that only grows: for every level {@code k}, one append-only file holding the root of
 * each perfect subtree of {@code 2^k} leaves, in order ({@code hashes-00} the leaf hashes, {@code hashes-01} the
 * hashes of pairs, and so on). Every root and proof of every size is read from them with at most two hashes per level;
 * they take twice the leaf hashes' 32 bytes per leaf in all.
 *
 * <p>Files are derived data: {@link #open} cuts a torn hash, and recomputes or cuts a level that disagrees in length
 * with the level below, which a crash between two writes leaves. Appends are buffered until {@link #flush}.
 *
 * <p>Not thread-safe: one thread appends and flushes; readers of proofs take the caller's lock.
 */
final class HashStore implements Merkle.Subtrees, AutoCloseable {

    private static final int HASH = Merkle.HASH_BYTES;
    private static final int MAX_LEVELS = 63;
    private static final int BUFFER_HASHES = 1024;

    private final Path dir;
    private final List<Level> levels = new ArrayList<>();
    private long size;

    /** One level's file, the hashes appended but not yet written, and the last hash (a left sibling, if odd). */
    private static final class Level {
        final FileChannel channel;
        final ByteBuffer pending = ByteBuffer.allocate(BUFFER_HASHES * HASH);
        long written;
        long count;
        byte @Nullable [] last;

        Level(FileChannel channel, long count) {
            this.channel = channel;
            this.written = count;
            this.count = count;
        }

        /** Buffers one more hash, writing the buffer first when it is full. */
        void add(byte[] hash) throws IOException {
            if (!pending.hasRemaining()) {
                write();
            }
            pending.put(hash);
            count++;
        }

        /** Writes the buffered hashes after the written ones. */
        void write() throws IOException {
            pending.flip();
            long at = written * HASH;
            while (pending.hasRemaining()) {
                channel.write(pending, at + pending.position());
            }
            written += pending.limit() / HASH;
            pending.clear();
        }
    }

    private HashStore(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens the hashes in {@code dir}, created if absent, repairing what a crash left.
     *
     * @throws IOException if the files cannot be read or written
     */
    static HashStore open(Path dir) throws IOException {
        Files2.createPrivateDirectories(dir);
        HashStore store = new HashStore(dir);
        try {
            store.recover();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void recover() throws IOException {
        for (int k = 0; k < MAX_LEVELS; k++) {
            Path file = file(k);
            if (k > 0 && !Files.exists(file) && levels.get(k - 1).count < 2) {
                break;
            }
            FileChannel channel = Files2.openPrivate(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long whole = channel.size() / HASH;
            Level level = new Level(channel, whole);
            levels.add(level);
            if (k > 0) {
                Level below = levels.get(k - 1);
                long expected = below.count / 2;
                if (level.count > expected) {
                    level.count = expected;
                } else {
                    // rebuilt from the level below: a crash wrote the lower level but not this one
                    for (long i = level.count; i < expected; i++) {
                        level.add(Merkle.nodeHash(read(below, 2 * i), read(below, 2 * i + 1)));
                    }
                }
            }
            if (channel.size() != level.written * HASH || level.written > level.count) {
                level.written = Math.min(level.written, level.count);
                channel.truncate(level.written * HASH);
            }
            level.last = level.count > 0 ? read(level, level.count - 1) : null;
        }
        size = levels.isEmpty() ? 0 : levels.get(0).count;
        for (int k = levels.size() - 1; k > 0 && levels.get(k).count == 0 && levels.get(k - 1).count < 2; k--) {
            Level unused = levels.remove(k);
            unused.channel.close();
            Files.deleteIfExists(file(k));
        }
        flush(false);
    }

    /** The number of leaves. */
    long size() {
        return size;
    }

    /**
     * Appends one leaf hash and the roots of the perfect subtrees it completes.
     *
     * @throws IOException if a full buffer cannot be written
     */
    void append(byte[] leafHash) throws IOException {
        byte[] hash = leafHash;
        for (int k = 0; ; k++) {
            Level level = level(k);
            level.add(hash);
            if ((level.count & 1) == 1) {
                level.last = hash;
                break;
            }
            byte[] left = level.last;
            level.last = hash;
            if (left == null) {
                throw new IllegalStateException("no left sibling at level " + k);
            }
            hash = Merkle.nodeHash(left, hash);
        }
        size++;
    }

    /**
     * Cuts the tree back to its first {@code leaves} leaves: for a journal that lost lines its tree already held.
     *
     * @throws IOException if a file cannot be cut
     */
    void truncate(long leaves) throws IOException {
        if (leaves >= size) {
            return;
        }
        flush(false);
        for (int k = 0; k < levels.size(); k++) {
            Level level = levels.get(k);
            level.count = leaves >>> k;
            level.written = Math.min(level.written, level.count);
            level.channel.truncate(level.written * HASH);
            level.last = level.count > 0 ? read(level, level.count - 1) : null;
        }
        size = leaves;
    }

    @Override
    public byte[] perfect(int level, long index) {
        if (level >= levels.size() || index < 0 || index >= levels.get(level).count) {
            throw new IllegalArgumentException(
                    "no perfect subtree " + index + " of 2^" + level + " leaves in a tree of " + size);
        }
        try {
            return read(levels.get(level), index);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the tree's hashes in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Returns the root of the first {@code leaves} leaves. */
    byte[] root(long leaves) {
        return Merkle.root(leaves, this);
    }

    /**
     * Writes the buffered hashes, lowest level first, and fsyncs them when asked.
     *
     * @throws IOException if they cannot be written
     */
    void flush(boolean fsync) throws IOException {
        for (Level level : levels) {
            level.write();
            if (fsync) {
                level.channel.force(false);
            }
        }
    }

    /** The number of bytes the files take. */
    long bytes() {
        long bytes = 0;
        for (Level level : levels) {
            bytes += level.count * HASH;
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Level level : levels) {
            try {
                level.channel.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private Level level(int k) throws IOException {
        while (levels.size() <= k) {
            FileChannel channel = Files2.openPrivate(
                    file(levels.size()),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            levels.add(new Level(channel, 0));
        }
        return levels.get(k);
    }

    private Path file(int level) {
        return dir.resolve(String.format("hashes-%02d", level));
    }

    private static byte[] read(Level level, long index) throws IOException {
        byte[] hash = new byte[HASH];
        if (index >= level.written) {
            level.pending.get(Math.toIntExact((index - level.written) * HASH), hash);
            return hash;
        }
        ByteBuffer buffer = ByteBuffer.wrap(hash);
        long position = index * HASH;
        while (buffer.hasRemaining()) {
            if (level.channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("the tree's hashes end before hash " + index);
            }
        }
        return hash;
    }
}
