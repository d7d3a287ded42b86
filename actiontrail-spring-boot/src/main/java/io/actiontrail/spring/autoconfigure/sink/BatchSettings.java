package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.sink.Batching;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * The batching settings every sink type shares, {@code max-batch-events}, {@code max-batch-bytes} and {@code linger},
 * and how they become the sink's {@link Batching}. A sink type's settings class extends it. Not thread-safe: bound
 * once.
 */
public abstract class BatchSettings implements SinkSettings {

    /** The most events in one batch; defaults to the sink type's own. */
    private @Nullable Integer maxBatchEvents;

    /** The most bytes of JSON in one batch; defaults to the sink type's own. */
    private @Nullable DataSize maxBatchBytes;

    /** How long the first event of a batch may wait for more; defaults to the sink type's own. */
    private @Nullable Duration linger;

    /**
     * Passes the sink type's default batching with the settings that are set to {@code setter}, one setting at a
     * time, so that a value the {@link Batching} record or the sink refuses fails naming its own property.
     */
    public final void applyBatching(SinkDefinition definition, Batching defaults, Consumer<Batching> setter) {
        Batching[] current = {defaults};
        definition.apply(
                "max-batch-events", maxBatchEvents, v -> current[0] = set(setter, current[0].withMaxEvents(v)));
        definition.apply(
                "max-batch-bytes", maxBatchBytes, v -> current[0] = set(setter, current[0].withMaxBytes(v.toBytes())));
        definition.apply("linger", linger, v -> current[0] = set(setter, current[0].withLinger(v)));
    }

    private static Batching set(Consumer<Batching> setter, Batching batching) {
        setter.accept(batching);
        return batching;
    }

    public @Nullable Integer getMaxBatchEvents() {
        return maxBatchEvents;
    }

    public void setMaxBatchEvents(@Nullable Integer maxBatchEvents) {
        this.maxBatchEvents = maxBatchEvents;
    }

    public @Nullable DataSize getMaxBatchBytes() {
        return maxBatchBytes;
    }

    public void setMaxBatchBytes(@Nullable DataSize maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }

    public @Nullable Duration getLinger() {
        return linger;
    }

    public void setLinger(@Nullable Duration linger) {
        this.linger = linger;
    }
}
