package io.actiontrail.internal.codec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.SerializedString;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.internal.InternalApi;
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
 *
 * <p>Over 500 lines on purpose: the encoder and the decoder of every field stay side by side, so that a field added
 * to one is seen missing from the other.
 */
@InternalApi
public final class EventCodec {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(1000) // far beyond what capture can produce (Snapshotter.MAX_DEPTH_LIMIT)
                    .maxStringLength(64 * 1024 * 1024)
                    .build())
            .build();

    // field names quoted and encoded once: writing them is a copy
    private static final SerializableString ACCESS_KEY_ID = new SerializedString("accessKeyId");
    private static final SerializableString ACCOUNT_ID = new SerializedString("accountId");
    private static final SerializableString ADDITIONAL_EVENT_DATA = new SerializedString("additionalEventData");
    private static final SerializableString CREATION_DATE = new SerializedString("creationDate");
    private static final SerializableString DURATION_MS = new SerializedString("durationMs");
    private static final SerializableString ERROR_CODE = new SerializedString("errorCode");
    private static final SerializableString ERROR_MESSAGE = new SerializedString("errorMessage");
    private static final SerializableString EVENT_CATEGORY = new SerializedString("eventCategory");
    private static final SerializableString EVENT_ID = new SerializedString("eventId");
    private static final SerializableString EVENT_NAME = new SerializedString("eventName");
    private static final SerializableString EVENT_RW = new SerializedString("eventRW");
    private static final SerializableString EVENT_SOURCE = new SerializedString("eventSource");
    private static final SerializableString EVENT_TIME = new SerializedString("eventTime");
    private static final SerializableString EVENT_TYPE = new SerializedString("eventType");
    private static final SerializableString EVENT_VERSION = new SerializedString("eventVersion");
    private static final SerializableString MFA_AUTHENTICATED = new SerializedString("mfaAuthenticated");
    private static final SerializableString OUTCOME = new SerializedString("outcome");
    private static final SerializableString PRINCIPAL_ID = new SerializedString("principalId");
    private static final SerializableString REFERENCED_RESOURCES = new SerializedString("referencedResources");
    private static final SerializableString REGION = new SerializedString("region");
    private static final SerializableString REQUEST_ID = new SerializedString("requestId");
    private static final SerializableString REQUEST_PARAMETERS = new SerializedString("requestParameters");
    private static final SerializableString RESOURCE_NAME = new SerializedString("resourceName");
    private static final SerializableString RESOURCE_TYPE = new SerializedString("resourceType");
    private static final SerializableString RESPONSE_ELEMENTS = new SerializedString("responseElements");
    private static final SerializableString ROLES = new SerializedString("roles");
    private static final SerializableString SERVICE_NAME = new SerializedString("serviceName");
    private static final SerializableString SHARED_EVENT_ID = new SerializedString("sharedEventId");
    private static final SerializableString INSIGHT_DETAILS = new SerializedString("insightDetails");
    private static final SerializableString SESSION_CONTEXT = new SerializedString("sessionContext");
    private static final SerializableString SOURCE_IP_ADDRESS = new SerializedString("sourceIpAddress");
    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString USER_AGENT = new SerializedString("userAgent");
    private static final SerializableString USER_IDENTITY = new SerializedString("userIdentity");
    private static final SerializableString USER_NAME = new SerializedString("userName");

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

    public static String encodeToString(AuditEvent event) {
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
        g.writeFieldName(EVENT_VERSION);
        g.writeString(e.eventVersion());
        g.writeFieldName(EVENT_ID);
        g.writeString(e.eventId());
        g.writeFieldName(EVENT_TIME);
        g.writeString(formatTime(e.eventTime()));
        g.writeFieldName(EVENT_NAME);
        g.writeString(e.eventName());
        if (e.eventType() != null) {
            g.writeFieldName(EVENT_TYPE);
            g.writeString(e.eventType().wireName());
        }
        if (e.eventRW() != null) {
            g.writeFieldName(EVENT_RW);
            g.writeString(e.eventRW().wireName());
        }
        if (e.eventCategory() != null) {
            g.writeFieldName(EVENT_CATEGORY);
            g.writeString(e.eventCategory().wireName());
        }
        writeString(g, SERVICE_NAME, e.serviceName());
        writeString(g, EVENT_SOURCE, e.eventSource());
        writeString(g, REGION, e.region());
        UserIdentity identity = e.userIdentity();
        if (identity != null) {
            writeIdentity(g, identity);
        }
        writeString(g, SOURCE_IP_ADDRESS, e.sourceIpAddress());
        writeString(g, USER_AGENT, e.userAgent());
        writeString(g, REQUEST_ID, e.requestId());
        writeString(g, RESOURCE_TYPE, e.resourceType());
        writeString(g, RESOURCE_NAME, e.resourceName());
        Map<String, List<String>> referenced = e.referencedResources();
        if (referenced != null) {
            g.writeFieldName(REFERENCED_RESOURCES);
            g.writeStartObject();
            for (Map.Entry<String, List<String>> r : referenced.entrySet()) {
                g.writeArrayFieldStart(r.getKey());
                for (String id : r.getValue()) {
                    g.writeString(id);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        writeObject(g, REQUEST_PARAMETERS, e.requestParameters());
        writeObject(g, RESPONSE_ELEMENTS, e.responseElements());
        if (e.outcome() != null) {
            g.writeFieldName(OUTCOME);
            g.writeString(e.outcome().wireName());
        }
        writeString(g, ERROR_CODE, e.errorCode());
        writeString(g, ERROR_MESSAGE, e.errorMessage());
        if (e.durationMs() != null) {
            g.writeFieldName(DURATION_MS);
            g.writeNumber(e.durationMs());
        }
        writeObject(g, ADDITIONAL_EVENT_DATA, e.additionalEventData());
        writeString(g, SHARED_EVENT_ID, e.sharedEventId());
        writeObject(g, INSIGHT_DETAILS, e.insightDetails());
        g.writeEndObject();
    }

    private static void writeIdentity(JsonGenerator g, UserIdentity identity) throws IOException {
        g.writeFieldName(USER_IDENTITY);
        g.writeStartObject();
        g.writeFieldName(TYPE);
        g.writeString(identity.type().wireName());
        writeString(g, PRINCIPAL_ID, identity.principalId());
        writeString(g, USER_NAME, identity.userName());
        writeString(g, ACCOUNT_ID, identity.accountId());
        writeString(g, ACCESS_KEY_ID, identity.accessKeyId());
        UserIdentity.SessionContext session = identity.sessionContext();
        if (session != null) {
            g.writeFieldName(SESSION_CONTEXT);
            g.writeStartObject();
            if (session.mfaAuthenticated() != null) {
                g.writeFieldName(MFA_AUTHENTICATED);
                g.writeBoolean(session.mfaAuthenticated());
            }
            if (session.creationDate() != null) {
                g.writeFieldName(CREATION_DATE);
                g.writeString(formatTime(session.creationDate()));
            }
            if (!session.roles().isEmpty()) {
                g.writeFieldName(ROLES);
                g.writeStartArray();
                for (String role : session.roles()) {
                    g.writeString(role);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeString(JsonGenerator g, SerializableString name, @Nullable String value)
            throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            g.writeString(value);
        }
    }

    private static void writeObject(
            JsonGenerator g, SerializableString name, @Nullable Map<String, @Nullable Object> value)
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

    public static AuditEvent decode(String json) {
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
        ModelAccess model = ModelAccess.get();
        AuditEvent.Builder b = model.newBuilder();
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
                case "sharedEventId" -> b.sharedEventId(text(p, field));
                case "insightDetails" -> b.insightDetails(readObject(p, field));
                default -> p.skipChildren(); // a field of a newer minor version
            }
        }
        if (!hasId || !hasTime || !hasName) {
            throw new IllegalArgumentException(
                    "not a valid audit event: eventId, eventTime and eventName are required");
        }
        return model.parts(b.referencedResources(referenced), requestParameters, responseElements, additionalEventData)
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
