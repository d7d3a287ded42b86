package io.actiontrail.sink.sls;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Encodes audit events as Log Service logs and logs as a LogGroup, the protocol buffer body of PutLogs:
 *
 * <pre>
 * Log      { uint32 Time = 1; repeated Content Contents = 2; fixed32 Time_ns = 4; }
 * Content  { string Key = 1; string Value = 2; }
 * LogTag   { string Key = 1; string Value = 2; }
 * LogGroup { repeated Log Logs = 1; string Topic = 3; string Source = 4; repeated LogTag LogTags = 6; }
 * </pre>
 *
 * <p>One log per event: one content per top-level field of the event's JSON line, in the line's order; a string as
 * its text, a number or boolean as its JSON text, an object or array as its compact JSON exactly as in the line.
 * {@code Time} is the event time in Unix seconds and {@code Time_ns} the nanoseconds within that second. Stateless.
 */
final class LogGroups {

    private static final JsonFactory JSON = new JsonFactory();

    /** The largest Unix time a uint32 holds. */
    private static final long MAX_TIME = 0xFFFF_FFFFL;

    private LogGroups() {}

    /** The event's line is not a JSON object; the event cannot become a log. */
    static final class InvalidEventException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Returns the encoded {@code Log} message of one event, from its journal line. */
    static byte[] log(AuditRecord record) throws InvalidEventException {
        Protobuf line = new Protobuf(record.sizeInBytes());
        try {
            record.writeTo(line);
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
        return log(record.eventId(), record.eventTime(), line.buffer(), line.size());
    }

    /** Returns the encoded {@code Log} message of one event, from {@code json[0, length)}: the event in some format. */
    static byte[] log(String eventId, Instant time, byte[] json, int length) throws InvalidEventException {
        Protobuf log = new Protobuf(length + 64);
        log.varintField(1, Math.max(0, Math.min(MAX_TIME, time.getEpochSecond())));
        Protobuf content = new Protobuf(256);
        try (JsonParser parser = JSON.createParser(json, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the line is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken token = parser.nextToken();
                content.reset();
                content.stringField(1, key);
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentLocation().getByteOffset();
                    content.bytesField(2, json, start, end - start);
                } else {
                    content.stringField(2, parser.getText());
                }
                log.bytesField(2, content.buffer(), 0, content.size());
            }
        } catch (IOException e) {
            throw new InvalidEventException(
                    "event " + eventId + " is not a JSON object and cannot become a log: " + e.getMessage(), e);
        }
        log.fixed32Field(4, time.getNano());
        return log.toByteArray();
    }

    /**
     * Returns the {@code Log} of a trail's signed checkpoint: the contents {@code origin}, {@code treeSize},
     * {@code rootHash} (base64), {@code closed} and {@code checkpoint} (the signed note, what a verifier trusts), at the
     * time it was signed.
     */
    static byte[] checkpointLog(SignedNote note, Instant signedAt) {
        Checkpoint body = Checkpoint.parse(note.text());
        Protobuf log = new Protobuf(note.toString().length() + 256);
        log.varintField(1, Math.max(0, Math.min(MAX_TIME, signedAt.getEpochSecond())));
        Protobuf content = new Protobuf(256);
        String[][] fields = {
            {"origin", body.origin()},
            {"treeSize", Long.toString(body.size())},
            {"rootHash", java.util.Base64.getEncoder().encodeToString(body.rootHash())},
            {"closed", Boolean.toString(body.extensions().contains("actiontrail-closed"))},
            {"checkpoint", note.toString()}
        };
        for (String[] field : fields) {
            content.reset();
            content.stringField(1, field[0]);
            content.stringField(2, field[1]);
            log.bytesField(2, content.buffer(), 0, content.size());
        }
        log.fixed32Field(4, signedAt.getNano());
        return log.toByteArray();
    }

    /** Returns the bytes a log of {@code logSize} bytes adds to a LogGroup. */
    static int logEntrySize(int logSize) {
        return Protobuf.lengthDelimitedSize(logSize);
    }

    /** Returns the bytes a LogGroup spends on its topic, source and tags. */
    static int headerSize(String topic, String source, List<Map.Entry<String, String>> tags) {
        return header(topic, source, tags).size();
    }

    /** Returns the encoded {@code LogGroup} of the given logs, topic, source and tags. */
    static byte[] group(List<byte[]> logs, String topic, String source, List<Map.Entry<String, String>> tags) {
        int size = 0;
        for (byte[] log : logs) {
            size += logEntrySize(log.length);
        }
        Protobuf header = header(topic, source, tags);
        Protobuf group = new Protobuf(size + header.size());
        for (byte[] log : logs) {
            group.bytesField(1, log);
        }
        group.write(header.buffer(), 0, header.size());
        return group.toByteArray();
    }

    private static Protobuf header(String topic, String source, List<Map.Entry<String, String>> tags) {
        Protobuf header = new Protobuf(128);
        header.stringField(3, topic);
        header.stringField(4, source);
        Protobuf tag = new Protobuf(64);
        for (Map.Entry<String, String> entry : tags) {
            tag.reset();
            tag.stringField(1, entry.getKey());
            tag.stringField(2, entry.getValue());
            header.bytesField(6, tag.buffer(), 0, tag.size());
        }
        return header;
    }
}
