package io.actiontrail.internal.integrity;

import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.InclusionProof;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.IntegrityStatus;
import io.actiontrail.integrity.Merkle;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.integrity.VerifierKey;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.journal.Journal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The journal's Merkle log: one leaf per journal line, in journal order, hashed by its own thread from the lines the
 * journal has fsynced (so that no checkpoint ever commits to a line a crash can take back), with a signed checkpoint
 * every {@link Integrity#checkpointInterval()} while lines arrive and a heartbeat every
 * {@link Integrity#heartbeatInterval()} while none do. Its files live in {@code <dataDir>/integrity}: the tree's
 * hashes ({@link HashStore}), the checkpoints ({@link CheckpointFiles}, a file per day, deleted after the journal's
 * retention) and {@code log.properties} (the origin and the journal position of leaf 0).
 *
 * <p>Thread-safe: the hashing thread and callers of proofs and status share one lock, held while hashing a batch.
 */
@InternalApi
public final class IntegrityLog {

    static final String LOG_FILE = "log.properties";
    static final String TIME_PREFIX = "actiontrail-time ";
    static final String CLOSED_LINE = "actiontrail-closed";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_BATCH = 65_536;

    private final Journal journal;
    private final Duration retention;
    private final Integrity settings;
    private final Clock clock;
    private final Warnings warnings;
    private final Path dir;
    private final HashStore store;
    private final CheckpointFiles checkpointFiles;
    private final long firstPosition;
    private final MessageDigest digest;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean closed;
    private @Nullable Thread thread;

    private @Nullable SignedNote latest;
    private long latestSize;
    private @Nullable Instant latestTime;
    private long signedNanos = Long.MIN_VALUE;
    private long checkpoints;
    private volatile @Nullable String lastError;
    /** The journal position after the last line hashed: retention keeps the segments from here on. */
    private volatile long hashedEnd;

    /**
     * Opens the log of {@code journal} in {@code dataDir}/integrity, catching up with what the journal holds.
     *
     * @throws IllegalStateException if its files cannot be opened, or belong to another log
     */
    public IntegrityLog(
            Journal journal, Path dataDir, Duration retention, Integrity settings, Clock clock, Warnings warnings) {
        this.journal = journal;
        this.retention = retention;
        this.settings = settings;
        this.clock = clock;
        this.warnings = warnings;
        this.dir = dataDir.resolve("integrity");
        this.digest = sha256();
        try {
            io.actiontrail.internal.Files2.createPrivateDirectories(dir);
            this.firstPosition = logProperties(journal.firstSeq());
            this.store = HashStore.open(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the integrity log in " + dir + ": " + e.getMessage(), e);
        }
        this.checkpointFiles = new CheckpointFiles(dir);
        try {
            reconcile();
        } catch (IOException | RuntimeException e) {
            closeFiles();
            throw new IllegalStateException("cannot open the integrity log in " + dir + ": " + e.getMessage(), e);
        }
        this.hashedEnd = firstPosition + store.size();
        // a line deleted before it is hashed would end the log: retention waits for the hashing, a moment at most
        journal.holdRetention(() -> hashedEnd);
    }

    /** Reads or writes log.properties; returns the journal position of leaf 0. */
    private long logProperties(long journalFirst) throws IOException {
        Path file = dir.resolve(LOG_FILE);
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
            String origin = properties.getProperty("origin");
            if (origin != null && !origin.equals(settings.origin())) {
                throw new IllegalStateException("the integrity log in " + dir + " is of origin '" + origin + "', not '"
                        + settings.origin() + "': keep the origin, or move the directory away");
            }
            return Long.parseLong(properties.getProperty("first-position", "0"));
        }
        properties.setProperty("origin", settings.origin());
        properties.setProperty("first-position", Long.toString(journalFirst));
        StringBuilder text = new StringBuilder("# the journal's Merkle log; derived from the journal and signed\n");
        text.append("origin=").append(settings.origin()).append('\n');
        text.append("first-position=").append(journalFirst).append('\n');
        io.actiontrail.internal.Files2.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
        return journalFirst;
    }

    /** Brings the tree and the journal into agreement after a start, and reads the latest checkpoint. */
    private void reconcile() throws IOException {
        long journalEnd = journal.durableSeq() - firstPosition;
        if (store.size() > journalEnd) {
            warnings.warn(
                    "integrity-truncated",
                    "ActionTrail: the integrity log held " + store.size() + " entries, the journal only " + journalEnd
                            + ": the journal lost lines it had fsynced, or was changed; the log is cut back, and a"
                            + " signed checkpoint beyond it now shows as a cut tail or a fork");
            store.truncate(Math.max(0, journalEnd));
        }
        if (store.size() > 0 && firstPosition + store.size() - 1 >= journal.firstSeq()) {
            long last = firstPosition + store.size() - 1;
            byte[][] hash = new byte[1][];
            journal.scanForwards(last, last + 1, Long.MIN_VALUE, Long.MAX_VALUE, (seq, utf8, offset, length) -> {
                hash[0] = leafHash(utf8, offset, length);
                return false;
            });
            if (hash[0] != null && !Merkle.equal(hash[0], store.perfect(0, store.size() - 1))) {
                warnings.warn(
                        "integrity-mismatch",
                        "ActionTrail: the journal's line at position " + last + " differs from the hash the integrity"
                                + " log holds for it: the journal was changed; run the verifier");
                lastError = "the journal's line at position " + last + " differs from its hash in the log";
            }
        }
        for (CheckpointFiles.Stored stored : CheckpointFiles.read(dir)) {
            if (stored.note() != null) {
                try {
                    SignedNote note = SignedNote.parse(stored.note());
                    Checkpoint body = Checkpoint.parse(note.text());
                    latest = note;
                    latestSize = body.size();
                    latestTime = timeOf(body);
                } catch (IllegalArgumentException e) {
                    // the verifier reports it; the next checkpoint supersedes it
                }
            }
        }
        if (latestSize > store.size()) {
            lastError = "the latest checkpoint commits to " + latestSize + " entries, the log holds " + store.size();
        }
    }

    /** Starts the hashing thread. */
    public void start(ThreadFactory threadFactory) {
        Thread t = threadFactory.newThread(this::run);
        if (t == null) {
            throw new IllegalStateException("threadFactory returned null for the integrity log");
        }
        t.setName("actiontrail-integrity");
        thread = t;
        t.start();
    }

    private void run() {
        lock.lock();
        try {
            while (!closed) {
                step(false, false);
                wake.awaitNanos(POLL_NANOS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hashes what the journal fsynced since, and signs a checkpoint when one is due, or now if {@code force}; the last
     * one, {@code closing}, marks a clean stop. Under the lock.
     */
    private void step(boolean force, boolean closing) {
        try {
            catchUp();
            long now = System.nanoTime();
            boolean grew = store.size() > latestSize;
            boolean due = signedNanos == Long.MIN_VALUE
                    || (grew
                            && now - signedNanos
                                    >= settings.checkpointInterval().toNanos())
                    || now - signedNanos >= settings.heartbeatInterval().toNanos();
            if (due || force || closing) {
                sign(closing);
                signedNanos = now;
            }
        } catch (IOException | RuntimeException e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!message.equals(lastError)) {
                warnings.warn("integrity-failed", "ActionTrail: the integrity log failed; it retries", e);
            }
            lastError = message;
        }
    }

    private void catchUp() throws IOException {
        long next = firstPosition + store.size();
        if (next < journal.firstSeq()) {
            throw new IllegalStateException("journal positions " + next + " to " + (journal.firstSeq() - 1)
                    + " were deleted before they were hashed; the log cannot continue");
        }
        long durable = journal.durableSeq();
        while (next < durable) {
            long before = Math.min(durable, next + MAX_BATCH);
            long[] expected = {next};
            IOException[] failure = new IOException[1];
            journal.scanForwards(next, before, Long.MIN_VALUE, Long.MAX_VALUE, (seq, utf8, offset, length) -> {
                if (seq != expected[0]) {
                    throw new IllegalStateException("the journal skipped from position " + expected[0] + " to " + seq);
                }
                try {
                    store.append(leafHash(utf8, offset, length));
                } catch (IOException e) {
                    failure[0] = e;
                    return false;
                }
                expected[0]++;
                return true;
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            if (expected[0] != before) {
                throw new IllegalStateException("the journal held no line at position " + expected[0]);
            }
            next = before;
            hashedEnd = next;
        }
        store.flush(false);
    }

    private void sign(boolean closing) throws IOException {
        store.flush(true);
        Instant now = clock.instant();
        List<String> extensions = new ArrayList<>();
        extensions.add(TIME_PREFIX + now);
        if (closing) {
            extensions.add(CLOSED_LINE);
        }
        long size = store.size();
        Checkpoint body = new Checkpoint(settings.origin(), size, store.root(size), extensions);
        SignedNote note = SignedNote.sign(body.body(), settings.signer());
        if (checkpointFiles.append(note.toString(), now)) {
            // a new day's file: the days older than the journal's retention go, as its segments do; every later
            // checkpoint commits to their entries too (their hashes are kept)
            checkpointFiles.deleteBefore(now.minus(retention));
        }
        latest = note;
        latestSize = size;
        latestTime = now;
        checkpoints++;
        lastError = null;
    }

    /**
     * Returns the proof that the journal line at {@code position} is in the log, against a checkpoint covering it
     * (signed now if the latest does not).
     *
     * @throws IllegalArgumentException if the position is not in the log, or its line is no longer held
     */
    public InclusionProof inclusionProof(long position) {
        if (position >= firstPosition + latestSizeNow()) {
            journal.awaitDurable(position); // an event recorded a moment ago: at most the fsync interval
        }
        lock.lock();
        try {
            if (position < firstPosition || position >= journal.nextSeq()) {
                throw new IllegalArgumentException("journal position " + position + " is not in the integrity log");
            }
            if (position - firstPosition >= latestSize) {
                step(true, false);
            }
            SignedNote note = latest;
            if (note == null || position - firstPosition >= latestSize) {
                throw new IllegalArgumentException(
                        "journal position " + position + " is not covered by a checkpoint yet: not yet fsynced");
            }
            byte[][] line = new byte[1][];
            journal.scanForwards(position, position + 1, Long.MIN_VALUE, Long.MAX_VALUE, (seq, utf8, off, len) -> {
                line[0] = java.util.Arrays.copyOfRange(utf8, off, off + len);
                return false;
            });
            if (line[0] == null) {
                throw new IllegalArgumentException("the journal no longer holds position " + position);
            }
            long index = position - firstPosition;
            return new InclusionProof(index, Merkle.inclusionProof(index, latestSize, store), note, line[0]);
        } finally {
            lock.unlock();
        }
    }

    private long latestSizeNow() {
        lock.lock();
        try {
            return latestSize;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the consistency proof between the trees of {@code size1} and {@code size2} entries.
     *
     * @throws IllegalArgumentException if the sizes are not {@code 1 <= size1 <= size2 <= size}
     */
    public List<byte[]> consistencyProof(long size1, long size2) {
        lock.lock();
        try {
            if (size2 > store.size()) {
                throw new IllegalArgumentException("the log holds " + store.size() + " entries, not " + size2);
            }
            return Merkle.consistencyProof(size1, size2, store);
        } finally {
            lock.unlock();
        }
    }

    /** Returns the journal position of the log's first entry. */
    public long firstPosition() {
        return firstPosition;
    }

    /** Returns the state, for status pages. */
    public IntegrityStatus status() {
        lock.lock();
        try {
            VerifierKey key = settings.signer().verifierKey();
            return new IntegrityStatus(
                    settings.origin(),
                    key.name(),
                    String.format("%08x", key.keyId()),
                    key.fingerprint(),
                    firstPosition,
                    store.size(),
                    latestSize,
                    latestTime,
                    checkpoints,
                    lastError);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hashes the last lines the journal fsynced, signs a final checkpoint marked as a clean stop, and closes the
     * files. Call after the journal's writer has stopped, before the journal is closed.
     */
    public void close() {
        Thread t;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            wake.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            step(true, true);
        } finally {
            lock.unlock();
            closeFiles();
        }
    }

    private void closeFiles() {
        try {
            store.close();
        } catch (IOException e) {
            warnings.warn("integrity-close", "ActionTrail: closing the integrity log's hashes failed", e);
        }
        try {
            checkpointFiles.close();
        } catch (IOException e) {
            warnings.warn("integrity-close", "ActionTrail: closing the integrity log's checkpoints failed", e);
        }
    }

    private byte[] leafHash(byte[] utf8, int offset, int length) {
        digest.update((byte) 0);
        digest.update(utf8, offset, length);
        return digest.digest();
    }

    /** The time in a checkpoint's extension line, or {@code null}. */
    static @Nullable Instant timeOf(Checkpoint checkpoint) {
        for (String line : checkpoint.extensions()) {
            if (line.startsWith(TIME_PREFIX)) {
                try {
                    return Instant.parse(line.substring(TIME_PREFIX.length()));
                } catch (java.time.format.DateTimeParseException e) {
                    return null;
                }
            }
        }
        return null;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
