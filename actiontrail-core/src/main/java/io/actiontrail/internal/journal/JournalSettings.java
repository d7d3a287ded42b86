package io.actiontrail.internal.journal;

import io.actiontrail.Durability;
import io.actiontrail.internal.InternalApi;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The disk journal's configuration, from {@link ActionTrail.Builder}; {@code queryIndex} says whether it keeps the
 * secondary index behind lookups and aggregations. Immutable and thread-safe.
 */
@InternalApi
public record JournalSettings(
        Path dataDir,
        Durability durability,
        Duration fsyncInterval,
        long segmentBytes,
        Duration retention,
        long maxDiskBytes,
        long overflowBytes,
        boolean queryIndex) {}
