package io.actiontrail;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the local journal: where it is, how much it holds, and whether it is healthy. A degraded journal
 * cannot write to disk (full or failing): events wait in memory while it retries, and it recovers by itself.
 *
 * <p>Immutable and thread-safe.
 *
 * @param durability the durability mode
 * @param dataDir the journal's directory, or {@code null} for {@link Durability#MEMORY}
 * @param firstPosition the position of the oldest event held
 * @param nextPosition the position the next event gets; {@code nextPosition - firstPosition} events are held
 * @param segments the number of segment files
 * @param diskBytes the bytes of the segment files
 * @param queuedBytes the bytes recorded but not yet written
 * @param degraded whether the journal cannot write to disk at the moment
 * @param degradedError why, while degraded
 * @param degradedSince since when, while degraded
 * @param recoveredTornBytes bytes of an unfinished last write cut off when the journal was opened
 * @param corruptLines lines found unreadable when the journal was opened; skipped by every reader
 * @param droppedDiskFull events refused because the disk failed and the memory reserved for that case was full
 * @param fsyncs the number of fsyncs since the journal was opened
 * @param indexRebuilds the number of segments whose query index was found missing or damaged since the journal was
 *     opened, and rebuilt from the segment in the background (lookups scan such a segment meanwhile)
 */
public record JournalStatus(
        Durability durability,
        @Nullable Path dataDir,
        long firstPosition,
        long nextPosition,
        int segments,
        long diskBytes,
        long queuedBytes,
        boolean degraded,
        @Nullable String degradedError,
        @Nullable Instant degradedSince,
        long recoveredTornBytes,
        long corruptLines,
        long droppedDiskFull,
        long fsyncs,
        long indexRebuilds) {

    /** Validates the values. */
    public JournalStatus {
        Objects.requireNonNull(durability, "durability");
    }
}
