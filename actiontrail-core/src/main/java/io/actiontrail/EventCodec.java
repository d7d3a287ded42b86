package io.actiontrail;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one codec of the wire format: an event is one UTF-8 JSON object on one line, fields in schema order, absent
 * values omitted, times as UTC ISO-8601 with milliseconds. Stateless and thread-safe.
 */
final class EventCodec {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(1000) // far beyond what capture can produce (Snapshotter.MAX_DEPTH_LIMIT)
                    .maxStringLength(64 * 1024 * 1024)
                    .build())
            .build();

    private EventCodec() {}

    static byte[] encode(AuditEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(768);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            write(g, event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String encodeToString(AuditEvent event) {
        return new String(encode(event), StandardCharsets.UTF_8);
    }

    /** Encodes a free-form JSON tree on its own, to measure or preview it. */
    static String encodeTree(@Nullable Object tree) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            writeTree(g, tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void write(JsonGenerator g, AuditEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("eventVersion", e.eventVersion());
        g.writeStringField("eventId", e.eventId());
        g.writeFieldName("eventTime");
        g.writeString(formatTime(e.eventTime()));
        g.writeStringField("eventName", e.eventName());
        if (e.eventType() != null) {
            g.writeStringField("eventType", e.eventType().wireName());
        }
        if (e.eventRW() != null) {
            g.writeStringField("eventRW", e.eventRW().wireName());
        }
        if (e.eventCategory() != null) {
            g.writeStringField("eventCategory", e.eventCategory().wireName());
        }
        writeString(g, "serviceName", e.serviceName());
        writeString(g, "eventSource", e.eventSource());
        writeString(g, "region", e.region());
        UserIdentity identity = e.userIdentity();
        if (identity != null) {
            writeIdentity(g, identity);
        }
        writeString(g, "sourceIpAddress", e.sourceIpAddress());
        writeString(g, "userAgent", e.userAgent());
        writeString(g, "requestId", e.requestId());
        writeString(g, "resourceType", e.resourceType());
        writeString(g, "resourceName", e.resourceName());
        Map<String, List<String>> referenced = e.referencedResources();
        if (referenced != null) {
            g.writeObjectFieldStart("referencedResources");
            for (Map.Entry<String, List<String>> r : referenced.entrySet()) {
                g.writeArrayFieldStart(r.getKey());
                for (String id : r.getValue()) {
                    g.writeString(id);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        writeObject(g, "requestParameters", e.requestParameters());
        writeObject(g, "responseElements", e.responseElements());
        if (e.outcome() != null) {
            g.writeStringField("outcome", e.outcome().wireName());
        }
        writeString(g, "errorCode", e.errorCode());
        writeString(g, "errorMessage", e.errorMessage());
        if (e.durationMs() != null) {
            g.writeNumberField("durationMs", e.durationMs());
        }
        writeObject(g, "additionalEventData", e.additionalEventData());
        g.writeEndObject();
    }

    private static void writeIdentity(JsonGenerator g, UserIdentity identity) throws IOException {
        g.writeObjectFieldStart("userIdentity");
        g.writeStringField("type", identity.type().wireName());
        writeString(g, "principalId", identity.principalId());
        writeString(g, "userName", identity.userName());
        writeString(g, "accountId", identity.accountId());
        writeString(g, "accessKeyId", identity.accessKeyId());
        UserIdentity.SessionContext session = identity.sessionContext();
        if (session != null) {
            g.writeObjectFieldStart("sessionContext");
            if (session.mfaAuthenticated() != null) {
                g.writeBooleanField("mfaAuthenticated", session.mfaAuthenticated());
            }
            if (session.creationDate() != null) {
                g.writeStringField("creationDate", formatTime(session.creationDate()));
            }
            if (!session.roles().isEmpty()) {
                g.writeArrayFieldStart("roles");
                for (String role : session.roles()) {
                    g.writeString(role);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeString(JsonGenerator g, String name, @Nullable String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void writeObject(JsonGenerator g, String name, @Nullable Map<String, @Nullable Object> value)
            throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            writeTree(g, value);
        }
    }

    private static void writeTree(JsonGenerator g, @Nullable Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                g.writeFieldName((String) entry.getKey());
                writeTree(g, entry.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object element : list) {
                writeTree(g, element);
            }
            g.writeEndArray();
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            // JsonTree admits nothing else; keep the line valid even if that ever changes
            g.writeString(String.valueOf(value));
        }
    }

    /** Formats {@code yyyy-MM-dd'T'HH:mm:ss.SSS'Z'} without a DateTimeFormatter, which is slow on the hot path. */
    static String formatTime(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(
                instant.getEpochSecond(), (instant.getNano() / 1_000_000) * 1_000_000, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return instant.toString();
        }
        char[] c = new char[24];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    private static void digits(char[] c, int offset, int value, int width) {
        for (int i = offset + width - 1; i >= offset; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Returns a parser of a slice of UTF-8 JSON, with the codec's limits. */
    static JsonParser parser(byte[] utf8, int offset, int length) throws IOException {
        return FACTORY.createParser(utf8, offset, length);
    }

    static AuditEvent decode(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            return read(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid audit event: " + e.getMessage(), e);
        }
    }

    private static AuditEvent read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("not a valid audit event: expected a JSON object");
        }
        AuditEvent.Builder b = new AuditEvent.Builder();
        boolean hasId = false;
        boolean hasTime = false;
        boolean hasName = false;
        Map<String, @Nullable Object> requestParameters = null;
        Map<String, @Nullable Object> responseElements = null;
        Map<String, @Nullable Object> additionalEventData = null;
        Map<String, List<String>> referenced = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            if (token == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "eventVersion" -> b.eventVersion(text(p, field));
                case "eventId" -> {
                    b.eventId(text(p, field));
                    hasId = true;
                }
                case "eventTime" -> {
                    b.eventTime(time(p, field));
                    hasTime = true;
                }
                case "eventName" -> {
                    b.eventName(text(p, field));
                    hasName = true;
                }
                case "eventType" -> b.eventType(EventType.fromWireName(text(p, field)));
                case "eventRW" -> b.eventRW(EventRW.fromWireName(text(p, field)));
                case "eventCategory" -> b.eventCategory(EventCategory.fromWireName(text(p, field)));
                case "serviceName" -> b.serviceName(text(p, field));
                case "eventSource" -> b.eventSource(text(p, field));
                case "region" -> b.region(text(p, field));
                case "userIdentity" -> b.userIdentity(readIdentity(p));
                case "sourceIpAddress" -> b.sourceIpAddress(text(p, field));
                case "userAgent" -> b.userAgent(text(p, field));
                case "requestId" -> b.requestId(text(p, field));
                case "resourceType" -> b.resourceType(text(p, field));
                case "resourceName" -> b.resourceName(text(p, field));
                case "referencedResources" -> referenced = readResources(p);
                case "requestParameters" -> requestParameters = readObject(p, field);
                case "responseElements" -> responseElements = readObject(p, field);
                case "outcome" -> b.outcome(Outcome.fromWireName(text(p, field)));
                case "errorCode" -> b.errorCode(text(p, field));
                case "errorMessage" -> b.errorMessage(text(p, field));
                case "durationMs" -> {
                    if (token != JsonToken.VALUE_NUMBER_INT) {
                        throw new IllegalArgumentException("not a valid audit event: durationMs must be an integer");
                    }
                    b.durationMs(p.getLongValue());
                }
                case "additionalEventData" -> additionalEventData = readObject(p, field);
                default -> p.skipChildren(); // a field of a newer minor version
            }
        }
        if (!hasId || !hasTime || !hasName) {
            throw new IllegalArgumentException(
                    "not a valid audit event: eventId, eventTime and eventName are required");
        }
        return b.referencedResources(referenced)
                .parts(requestParameters, responseElements, additionalEventData)
                .build();
    }

    private static UserIdentity readIdentity(JsonParser p) throws IOException {
        expect(p, JsonToken.START_OBJECT, "userIdentity");
        UserIdentity.Type type = null;
        String principalId = null;
        String userName = null;
        String accountId = null;
        String accessKeyId = null;
        UserIdentity.SessionContext session = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "type" -> type = UserIdentity.Type.fromWireName(text(p, field));
                case "principalId" -> principalId = text(p, field);
                case "userName" -> userName = text(p, field);
                case "accountId" -> accountId = text(p, field);
                case "accessKeyId" -> accessKeyId = text(p, field);
                case "sessionContext" -> session = readSession(p);
                default -> p.skipChildren();
            }
        }
        if (type == null) {
            throw new IllegalArgumentException("not a valid audit event: userIdentity.type is required");
        }
        return new UserIdentity(type, principalId, userName, accountId, accessKeyId, session);
    }

    private static UserIdentity.SessionContext readSession(JsonParser p) throws IOException {
        expect(p, JsonToken.START_OBJECT, "sessionContext");
        Boolean mfa = null;
        Instant created = null;
        List<String> roles = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            if (token == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "mfaAuthenticated" -> {
                    if (!token.isBoolean()) {
                        throw new IllegalArgumentException("not a valid audit event: mfaAuthenticated must be boolean");
                    }
                    mfa = p.getBooleanValue();
                }
                case "creationDate" -> created = time(p, field);
                case "roles" -> roles = readStrings(p, field);
                default -> p.skipChildren();
            }
        }
        return new UserIdentity.SessionContext(mfa, created, roles);
    }

    private static Map<String, List<String>> readResources(JsonParser p) throws IOException {
        expect(p, JsonToken.START_OBJECT, "referencedResources");
        LinkedHashMap<String, List<String>> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String type = p.currentName();
            p.nextToken();
            out.put(type, readStrings(p, "referencedResources." + type));
        }
        return out;
    }

    private static List<String> readStrings(JsonParser p, String field) throws IOException {
        expect(p, JsonToken.START_ARRAY, field);
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(text(p, field));
        }
        return out;
    }

    private static Map<String, @Nullable Object> readObject(JsonParser p, String field) throws IOException {
        expect(p, JsonToken.START_OBJECT, field);
        Object tree = readTree(p);
        if (!(tree instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("not a valid audit event: " + field + " must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) tree;
        return map;
    }

    private static @Nullable Object readTree(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        if (token == null) {
            throw new IllegalArgumentException("not a valid audit event: unexpected end of input");
        }
        switch (token) {
            case START_OBJECT -> {
                LinkedHashMap<String, @Nullable Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, readTree(p));
                }
                return JsonTree.adoptObject(map);
            }
            case START_ARRAY -> {
                ArrayList<@Nullable Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readTree(p));
                }
                return JsonTree.adoptArray(list);
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText() : (Object) p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return true;
            }
            case VALUE_FALSE -> {
                return false;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalArgumentException("not a valid audit event: unexpected " + token);
        }
    }

    private static void expect(JsonParser p, JsonToken expected, String field) {
        if (p.currentToken() != expected) {
            throw new IllegalArgumentException("not a valid audit event: " + field + " must be "
                    + (expected == JsonToken.START_OBJECT ? "an object" : "an array"));
        }
    }

    private static String text(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("not a valid audit event: " + field + " must be a string");
        }
        return p.getText();
    }

    private static Instant time(JsonParser p, String field) throws IOException {
        String text = text(p, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a valid audit event: " + field + " is not an ISO-8601 time", e);
        }
    }
}
