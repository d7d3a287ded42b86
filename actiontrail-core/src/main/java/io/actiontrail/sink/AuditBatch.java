package io.actiontrail.sink;

import io.actiontrail.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    private AuditBatch(List<AuditRecord> records) {
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
                + lastEventId() + '}';
    }
}
