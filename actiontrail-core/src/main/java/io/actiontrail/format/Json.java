package io.actiontrail.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Writing the formats' JSON with Jackson's streaming generator: one object per call, absent values left out. */
final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {}

    /** What writes one JSON value to the generator. */
    @FunctionalInterface
    interface Body {
        void write(Json.Writer w) throws IOException;
    }

    /** Runs {@code body} against a fresh generator and returns the UTF-8 bytes it wrote. */
    static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(new Writer(g));
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
        return out.toByteArray();
    }

    /** UTC ISO-8601 with milliseconds, as the journal writes times. */
    static String time(Instant instant) {
        return MILLIS.format(instant);
    }

    /** A thin wrapper that leaves out absent values. Not thread-safe: one per encoding. */
    static final class Writer {
        private final JsonGenerator g;

        Writer(JsonGenerator g) {
            this.g = g;
        }

        void startObject() throws IOException {
            g.writeStartObject();
        }

        void startObject(String name) throws IOException {
            g.writeFieldName(name);
            g.writeStartObject();
        }

        void endObject() throws IOException {
            g.writeEndObject();
        }

        void startArray(String name) throws IOException {
            g.writeFieldName(name);
            g.writeStartArray();
        }

        void endArray() throws IOException {
            g.writeEndArray();
        }

        void string(String name, @Nullable String value) throws IOException {
            if (value != null) {
                g.writeStringField(name, value);
            }
        }

        /** Writes the value, or {@code null}: for fields a format documents as always present. */
        void nullable(String name, @Nullable String value) throws IOException {
            g.writeFieldName(name);
            if (value == null) {
                g.writeNull();
            } else {
                g.writeString(value);
            }
        }

        void number(String name, @Nullable Long value) throws IOException {
            if (value != null) {
                g.writeNumberField(name, value.longValue());
            }
        }

        void bool(String name, @Nullable Boolean value) throws IOException {
            if (value != null) {
                g.writeBooleanField(name, value.booleanValue());
            }
        }

        void strings(String name, List<String> values) throws IOException {
            g.writeFieldName(name);
            g.writeStartArray();
            for (String value : values) {
                g.writeString(value);
            }
            g.writeEndArray();
        }

        /** Writes an already encoded JSON value as it is. */
        void raw(String name, String json) throws IOException {
            g.writeFieldName(name);
            g.writeRawValue(json);
        }

        void tree(String name, @Nullable Object tree) throws IOException {
            g.writeFieldName(name);
            tree(tree);
        }

        /** Writes a free-form tree of maps, lists, strings, numbers, booleans and nulls. */
        void tree(@Nullable Object value) throws IOException {
            if (value == null) {
                g.writeNull();
            } else if (value instanceof String s) {
                g.writeString(s);
            } else if (value instanceof Map<?, ?> map) {
                g.writeStartObject();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    g.writeFieldName(String.valueOf(entry.getKey()));
                    tree(entry.getValue());
                }
                g.writeEndObject();
            } else if (value instanceof List<?> list) {
                g.writeStartArray();
                for (Object element : list) {
                    tree(element);
                }
                g.writeEndArray();
            } else if (value instanceof Long l) {
                g.writeNumber(l.longValue());
            } else if (value instanceof Integer i) {
                g.writeNumber(i.intValue());
            } else if (value instanceof Double d) {
                g.writeNumber(d.doubleValue());
            } else if (value instanceof Boolean b) {
                g.writeBoolean(b.booleanValue());
            } else {
                g.writeString(String.valueOf(value));
            }
        }
    }
}
