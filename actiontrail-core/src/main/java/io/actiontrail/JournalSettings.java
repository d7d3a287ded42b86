package io.actiontrail;

import java.nio.file.Path;
import java.time.Duration;

/** The disk journal's configuration, from {@link ActionTrail.Builder}. Immutable. */
record JournalSettings(
        Path dataDir,
        Durability durability,
        Duration fsyncInterval,
        long segmentBytes,
        Duration retention,
        long maxDiskBytes,
        long overflowBytes) {}
