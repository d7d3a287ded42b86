package io.actiontrail.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * File operations of the journal: atomic replace, directory fsync, and owner-only creation. Every directory and file
 * the journal, its cursors, indexes and integrity log create is created owner-only on file systems with POSIX
 * permissions (directories {@code rwx------}, files {@code rw-------}): audit events hold personal data. Elsewhere the
 * permission arguments are no-ops. Stateless and thread-safe.
 */
@InternalApi
public final class Files2 {

    public static final String TEMP_SUFFIX = ".tmp";

    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private Files2() {}

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates {@code dir} owner-only if it does not exist; its missing parents are created as the platform creates
     * directories, since they are not the journal's. Permissions of an existing directory are left alone (see
     * {@link #restrictTree}).
     */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (posix(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /**
     * Opens a file channel; a file it creates is owner-only.
     *
     * @see FileChannel#open(Path, Set, FileAttribute[])
     */
    public static FileChannel openPrivate(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> set = Set.of(options);
        if (posix(file)) {
            return FileChannel.open(file, set, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        }
        return FileChannel.open(file, set);
    }

    /**
     * Takes the group's and others' permissions from a file, or a directory and everything under it (symbolic links
     * are neither followed nor changed): for data directories created by an earlier version or by hand. Returns how
     * many directories and files were changed; 0 where the file system has no POSIX permissions.
     */
    public static int restrictTree(Path start) throws IOException {
        if (!posix(start)) {
            return 0;
        }
        int[] changed = {0};
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) throws IOException {
                if (restrict(d)) {
                    changed[0]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile() && restrict(file)) {
                    changed[0]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // a file deleted while walking, e.g. a temporary file
            }
        });
        return changed[0];
    }

    /** Takes the group's and others' permissions from one file or directory; whether it changed anything. */
    public static boolean restrictOne(Path path) throws IOException {
        return posix(path) && restrict(path);
    }

    private static boolean restrict(Path path) throws IOException {
        PosixFileAttributeView view =
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return false;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        if (Collections.disjoint(permissions, GROUP_AND_OTHERS)) {
            return false;
        }
        Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
        owner.addAll(permissions);
        owner.removeAll(GROUP_AND_OTHERS);
        view.setPermissions(owner);
        return true;
    }

    /** Replaces {@code file} with {@code content}: written to a temporary file, fsynced, renamed, directory fsynced. */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        try (FileChannel channel = openPrivate(
                temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            syncDirectory(parent);
        }
    }

    /**
     * Replaces {@code file} with {@code content} atomically, without fsync: after a crash of the machine the file may
     * be old, missing or damaged, so only for files that are checked when read and can be rebuilt.
     */
    public static void replace(Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        try (FileChannel channel = openPrivate(
                temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Fsyncs a directory so that a created, renamed or deleted entry survives a crash; best effort. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms and file systems cannot open or sync a directory; the rename itself is still atomic
        }
    }

    /** Closes {@code closeable}, ignoring what it throws: for cleanup on paths that already failed or are ending. */
    public static void closeQuietly(@Nullable AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                // nothing more to release
            }
        }
    }
}
