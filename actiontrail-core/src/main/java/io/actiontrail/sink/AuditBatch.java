package io.actiontrail.sink;

import io.actiontrail.AuditEvent;
import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.SignedNote;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A non-empty batch of records for one sink, in journal order. A batch that is retried is the same batch, with the
 * same records in the same order, so a sink can name its output after it and overwrite itself on retry.
 *
 * <p>Immutable and thread-safe.
 */
public final class AuditBatch {

    private final List<AuditRecord> records;
    private final long sizeInBytes;
    private final Instant oldestEventTime;
    private final Instant newestEventTime;
    private final @Nullable SignedNote checkpoint;
    private final long @Nullable [] leaves;

    private AuditBatch(List<AuditRecord> records) {
        this(records, null, null);
    }

    private AuditBatch(List<AuditRecord> records, @Nullable SignedNote checkpoint, long @Nullable [] leaves) {
        this.checkpoint = checkpoint;
        this.leaves = leaves;
        this.records = List.copyOf(records);
        if (this.records.isEmpty()) {
            throw new IllegalArgumentException("a batch must hold at least one record");
        }
        long bytes = 0;
        Instant oldest = this.records.get(0).eventTime();
        Instant newest = oldest;
        for (AuditRecord record : this.records) {
            bytes += record.sizeInBytes();
            if (record.eventTime().isBefore(oldest)) {
                oldest = record.eventTime();
            }
            if (record.eventTime().isAfter(newest)) {
                newest = record.eventTime();
            }
        }
        this.sizeInBytes = bytes;
        this.oldestEventTime = oldest;
        this.newestEventTime = newest;
    }

    /** Returns a batch of the given records. */
    public static AuditBatch of(List<AuditRecord> records) {
        Objects.requireNonNull(records, "records");
        return new AuditBatch(records);
    }

    /** Returns a batch of the given events, encoding each. */
    public static AuditBatch ofEvents(List<AuditEvent> events) {
        List<AuditRecord> records = new ArrayList<>(events.size());
        for (AuditEvent event : events) {
            records.add(AuditRecord.of(event));
        }
        return new AuditBatch(records);
    }

    /**
     * Returns this batch with the trail's signed checkpoint that covers it, and the index of each record's leaf in the
     * trail's Merkle log; what the delivery engine does when the trail has tamper evidence.
     *
     * @throws IllegalArgumentException if there is not one increasing leaf index per record, or the checkpoint does not
     *     cover the last one
     */
    public AuditBatch withCheckpoint(SignedNote checkpoint, long[] leafIndexes) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(leafIndexes, "leafIndexes");
        if (leafIndexes.length != records.size()) {
            throw new IllegalArgumentException(leafIndexes.length + " leaf indexes for " + records.size() + " records");
        }
        for (int i = 1; i < leafIndexes.length; i++) {
            if (leafIndexes[i] <= leafIndexes[i - 1]) {
                throw new IllegalArgumentException(
                        "leaf indexes must increase: " + leafIndexes[i - 1] + ", " + leafIndexes[i]);
            }
        }
        long size = Checkpoint.parse(checkpoint.text()).size();
        if (leafIndexes[0] < 0 || leafIndexes[leafIndexes.length - 1] >= size) {
            throw new IllegalArgumentException("the checkpoint of " + size + " entries does not cover leaves "
                    + leafIndexes[0] + " to " + leafIndexes[leafIndexes.length - 1]);
        }
        return new AuditBatch(records, checkpoint, leafIndexes.clone());
    }

    /**
     * Returns the signed checkpoint of the trail's Merkle log covering every record of this batch and all the trail
     * sent before, when the trail has tamper evidence; a sink that keeps checkpoints stores it next to the records (see
     * {@link AuditSink#writeCheckpoint}).
     */
    public Optional<SignedNote> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    /**
     * Returns the index of record {@code index}'s leaf in the trail's Merkle log.
     *
     * @throws IllegalStateException if the batch has no {@link #checkpoint()}
     * @throws IndexOutOfBoundsException if there is no such record
     */
    public long leafIndex(int index) {
        long[] l = leaves;
        if (l == null) {
            throw new IllegalStateException("the batch has no checkpoint: its trail has no tamper evidence");
        }
        return l[Objects.checkIndex(index, l.length)];
    }

    /**
     * Returns the batch of the records whose event ids are in {@code eventIds}, in order, keeping the checkpoint and
     * their leaf indexes; {@code null} if none is.
     */
    public @Nullable AuditBatch only(java.util.Set<String> eventIds) {
        List<AuditRecord> kept = new ArrayList<>();
        long[] keptLeaves = leaves == null ? null : new long[records.size()];
        for (int i = 0; i < records.size(); i++) {
            if (eventIds.contains(records.get(i).eventId())) {
                if (keptLeaves != null && leaves != null) {
                    keptLeaves[kept.size()] = leaves[i];
                }
                kept.add(records.get(i));
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        return new AuditBatch(
                kept, checkpoint, keptLeaves == null ? null : java.util.Arrays.copyOf(keptLeaves, kept.size()));
    }

    /** Returns the records in journal order. */
    public List<AuditRecord> records() {
        return records;
    }

    /** Returns the decoded events in journal order. */
    public List<AuditEvent> events() {
        List<AuditEvent> events = new ArrayList<>(records.size());
        for (AuditRecord record : records) {
            events.add(record.event());
        }
        return events;
    }

    /** Returns the number of records. */
    public int size() {
        return records.size();
    }

    /** Returns the total size of the encoded JSON lines, without line terminators. */
    public long sizeInBytes() {
        return sizeInBytes;
    }

    /** Returns the id of the first record; stable across retries of this batch. */
    public String firstEventId() {
        return records.get(0).eventId();
    }

    /** Returns the id of the last record. */
    public String lastEventId() {
        return records.get(records.size() - 1).eventId();
    }

    /** Returns the earliest event time in the batch. */
    public Instant oldestEventTime() {
        return oldestEventTime;
    }

    /** Returns the latest event time in the batch. */
    public Instant newestEventTime() {
        return newestEventTime;
    }

    @Override
    public String toString() {
        return "AuditBatch{" + records.size() + " records, " + sizeInBytes + " bytes, " + firstEventId() + ".."
                + lastEventId() + (checkpoint == null ? "" : ", with checkpoint") + '}';
    }
}
