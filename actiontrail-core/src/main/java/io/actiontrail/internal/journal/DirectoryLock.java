package io.actiontrail.internal.journal;

import io.actiontrail.internal.Files2;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on a journal directory, held from open to close, so that two processes, or two instances in one
 * process, never write one journal. The operating system releases it if the process dies. Thread-safe.
 */
final class DirectoryLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if needed and locks it.
     *
     * @throws IllegalStateException if another process or instance holds the lock
     */
    static DirectoryLock acquire(Path dir) throws IOException {
        Files2.createPrivateDirectories(dir);
        FileChannel channel =
                Files2.openPrivate(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            Files2.closeQuietly(channel);
            throw e;
        }
        if (lock == null) {
            Files2.closeQuietly(channel);
            throw new IllegalStateException("ActionTrail data directory " + dir.toAbsolutePath()
                    + " is in use by another process or ActionTrail instance; give each instance its own dataDir");
        }
        return new DirectoryLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // released when the channel closes
        }
        Files2.closeQuietly(channel);
    }
}
