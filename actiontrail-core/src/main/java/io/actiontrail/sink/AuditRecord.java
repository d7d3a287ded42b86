package io.actiontrail.sink;

import io.actiontrail.AuditEvent;
import io.actiontrail.format.EventFormat;
import io.actiontrail.format.EventFormats;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One journaled event as a sink sees it: its id, its time and its encoded JSON line (without line terminator); the
 * decoded {@link AuditEvent} is produced on demand.
 *
 * <p>Immutable and thread-safe.
 */
public final class AuditRecord {

    private final String eventId;
    private final Instant eventTime;
    private final byte[] utf8Json;
    private volatile @Nullable AuditEvent event;

    private AuditRecord(String eventId, Instant eventTime, byte[] utf8Json, @Nullable AuditEvent event) {
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.utf8Json = utf8Json;
        this.event = event;
    }

    /** Returns the record of an event, encoding it. */
    public static AuditRecord of(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        return new AuditRecord(
                event.eventId(), event.eventTime(), event.toJson().getBytes(StandardCharsets.UTF_8), event);
    }

    /**
     * Returns the record of an already encoded event line; the bytes are copied.
     *
     * @param eventId the event's id, as in the JSON
     * @param eventTime the event's time, as in the JSON
     * @param utf8Json the encoded JSON object in UTF-8, without line terminator
     */
    public static AuditRecord ofEncoded(String eventId, Instant eventTime, byte[] utf8Json) {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventTime, "eventTime");
        return new AuditRecord(eventId, eventTime, utf8Json.clone(), null);
    }

    /**
     * Returns the record of an already encoded event line held in {@code utf8[offset, offset + length)}; those bytes
     * are copied.
     *
     * @param eventId the event's id, as in the JSON
     * @param eventTime the event's time, as in the JSON
     * @param utf8 a buffer holding the encoded JSON object in UTF-8, without line terminator
     * @throws IndexOutOfBoundsException if the range is not within {@code utf8}
     */
    public static AuditRecord ofEncoded(String eventId, Instant eventTime, byte[] utf8, int offset, int length) {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.checkFromIndexSize(offset, length, utf8.length);
        return new AuditRecord(eventId, eventTime, Arrays.copyOfRange(utf8, offset, offset + length), null);
    }

    /**
     * Parses a JSON line into a record.
     *
     * @throws IllegalArgumentException if the line is not a valid audit event
     */
    public static AuditRecord parse(String jsonLine) {
        AuditEvent event = AuditEvent.fromJson(jsonLine);
        return new AuditRecord(
                event.eventId(), event.eventTime(), jsonLine.strip().getBytes(StandardCharsets.UTF_8), event);
    }

    /** Returns the event's id, the idempotency key of delivery. */
    public String eventId() {
        return eventId;
    }

    /** Returns when the event happened. */
    public Instant eventTime() {
        return eventTime;
    }

    /** Returns the encoded JSON line, without line terminator. */
    public String json() {
        return new String(utf8Json, StandardCharsets.UTF_8);
    }

    /** Returns the size of the encoded JSON line in UTF-8 bytes. */
    public int sizeInBytes() {
        return utf8Json.length;
    }

    /** Writes the encoded JSON line, without line terminator, to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(utf8Json);
    }

    /**
     * Returns the event encoded in {@code format}: for {@link EventFormats#actionTrail()} a copy of the journal's line
     * as it is, without decoding it; for any other format the decoded event, encoded.
     *
     * @throws IllegalArgumentException if the line does not decode, for a format other than the journal's own
     */
    public byte[] encoded(EventFormat format) {
        Objects.requireNonNull(format, "format");
        if (format == EventFormats.actionTrail()) {
            return utf8Json.clone();
        }
        return format.encode(event());
    }

    /** Returns the decoded event; decoded once, on first use. */
    public AuditEvent event() {
        AuditEvent decoded = event;
        if (decoded == null) {
            decoded = AuditEvent.fromJson(json());
            event = decoded;
        }
        return decoded;
    }

    @Override
    public String toString() {
        return "AuditRecord{" + eventId + ", " + utf8Json.length + " bytes}";
    }
}
