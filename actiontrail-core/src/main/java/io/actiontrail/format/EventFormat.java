package io.actiontrail.format;

import io.actiontrail.AuditEvent;
import java.util.Map;

/**
 * How a sink turns one audit event into the bytes it writes: the SPI behind each sink's {@code format(...)} setting.
 * The format encodes; the sink frames (a line, a JSON array, one record or request per event) and writes. The
 * built-in formats are in {@link EventFormats}.
 *
 * <p>A format in <em>binary mode</em> ({@link #isBinary()}) puts the event's metadata into transport headers
 * ({@link #headers}) and only the data into the body; such a format suits sinks that send one event per message (Kafka
 * records, webhook requests), not files or log lines.
 *
 * <p>Implementations must be immutable and thread-safe: one instance serves every sink and thread. {@link #encode}
 * must not throw for any valid event.
 */
public interface EventFormat {

    /** Returns the format's name, as the starter's {@code format} property spells it, such as {@code ocsf}. */
    String name();

    /** Returns the media type of one encoded event, such as {@code application/json}. */
    String contentType();

    /**
     * Returns the media type of a JSON array of encoded events, when a sink sends several in one body; {@code
     * application/json} unless the format defines its own batch type.
     */
    default String batchContentType() {
        return "application/json";
    }

    /** Whether the format puts the event's metadata into transport headers; {@code false} unless overridden. */
    default boolean isBinary() {
        return false;
    }

    /**
     * Returns the event encoded as one UTF-8 JSON value, without line terminator.
     *
     * @throws IllegalArgumentException never for an event this library built; a custom format may refuse an event
     */
    byte[] encode(AuditEvent event);

    /**
     * Returns the transport headers of the event in binary mode, names and values as {@code binding} wants them, in
     * a stable order; empty for a format that is not binary.
     */
    default Map<String, String> headers(AuditEvent event, Binding binding) {
        return Map.of();
    }
}
