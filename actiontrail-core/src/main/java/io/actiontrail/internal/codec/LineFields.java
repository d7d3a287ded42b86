package io.actiontrail.internal.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The attributes of one journaled JSON line that routing and lookup look at, read with one streaming pass that skips
 * the free-form objects. Much cheaper than decoding the whole event. Immutable and thread-safe.
 */
@InternalApi
public final class LineFields {

    public final String eventId;
    public final long eventTimeMillis;
    public final String eventName;
    public final @Nullable String eventRW;
    public final @Nullable String eventType;
    public final @Nullable String serviceName;
    public final @Nullable String resourceType;
    final @Nullable String resourceName;
    public final @Nullable String outcome;
    final @Nullable String requestId;
    public final @Nullable String sourceIpAddress;
    public final @Nullable String userAgent;
    public final @Nullable String userName;
    public final @Nullable String principalId;
    public final @Nullable String accessKeyId;
    public final @Nullable String accountId;
    final @Nullable String eventCategory;
    public final @Nullable String errorCode;
    /** An insight's shared id, state ({@code Start}, {@code End}), type and object; null for other events. */
    public final @Nullable String sharedEventId;

    public final @Nullable String insightState;
    public final @Nullable String insightType;
    public final @Nullable String insightObject;
    /** {@code type/name} of each referenced resource; empty when none. */
    final List<String> referenced;

    private LineFields(Builder b, String eventId, long eventTimeMillis, String eventName) {
        this.eventId = eventId;
        this.eventTimeMillis = eventTimeMillis;
        this.eventName = eventName;
        this.eventRW = b.eventRW;
        this.eventType = b.eventType;
        this.serviceName = b.serviceName;
        this.resourceType = b.resourceType;
        this.resourceName = b.resourceName;
        this.outcome = b.outcome;
        this.requestId = b.requestId;
        this.sourceIpAddress = b.sourceIpAddress;
        this.userName = b.userName;
        this.principalId = b.principalId;
        this.accessKeyId = b.accessKeyId;
        this.accountId = b.accountId;
        this.eventCategory = b.eventCategory;
        this.errorCode = b.errorCode;
        this.userAgent = b.userAgent;
        this.sharedEventId = b.sharedEventId;
        this.insightState = b.insightState;
        this.insightType = b.insightType;
        this.insightObject = b.insightObject;
        this.referenced = b.referenced == null ? List.of() : b.referenced;
    }

    private static final class Builder {
        @Nullable
        String eventRW;

        @Nullable
        String eventType;

        @Nullable
        String serviceName;

        @Nullable
        String resourceType;

        @Nullable
        String resourceName;

        @Nullable
        String outcome;

        @Nullable
        String requestId;

        @Nullable
        String sourceIpAddress;

        @Nullable
        String userName;

        @Nullable
        String principalId;

        @Nullable
        String accessKeyId;

        @Nullable
        String accountId;

        @Nullable
        String eventCategory;

        @Nullable
        String errorCode;

        @Nullable
        String userAgent;

        @Nullable
        String sharedEventId;

        @Nullable
        String insightState;

        @Nullable
        String insightType;

        @Nullable
        String insightObject;

        @Nullable
        List<String> referenced;
    }

    /**
     * Reads the attributes of one line.
     *
     * @throws IllegalArgumentException if the line is not a JSON object with {@code eventId}, {@code eventTime} and
     *     {@code eventName}
     */
    public static LineFields parse(byte[] utf8, int offset, int length) {
        try (JsonParser p = EventCodec.parser(utf8, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            Builder b = new Builder();
            String eventId = null;
            String eventName = null;
            long time = Long.MIN_VALUE;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT) {
                    if (field.equals("userIdentity")) {
                        readIdentity(p, b);
                    } else if (field.equals("referencedResources")) {
                        b.referenced = readReferenced(p);
                    } else if (field.equals("insightDetails")) {
                        readInsight(p, b);
                    } else {
                        p.skipChildren();
                    }
                    continue;
                }
                if (value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.VALUE_STRING) {
                    continue;
                }
                switch (field) {
                    case "eventId" -> eventId = p.getText();
                    case "eventTime" -> time = parseTime(p.getText());
                    case "eventName" -> eventName = p.getText();
                    case "eventRW" -> b.eventRW = p.getText();
                    case "eventType" -> b.eventType = p.getText();
                    case "serviceName" -> b.serviceName = p.getText();
                    case "resourceType" -> b.resourceType = p.getText();
                    case "resourceName" -> b.resourceName = p.getText();
                    case "outcome" -> b.outcome = p.getText();
                    case "requestId" -> b.requestId = p.getText();
                    case "sourceIpAddress" -> b.sourceIpAddress = p.getText();
                    case "eventCategory" -> b.eventCategory = p.getText();
                    case "errorCode" -> b.errorCode = p.getText();
                    case "userAgent" -> b.userAgent = p.getText();
                    case "sharedEventId" -> b.sharedEventId = p.getText();
                    default -> {}
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("not a single JSON object");
            }
            if (eventId == null || eventName == null || time == Long.MIN_VALUE) {
                throw new IllegalArgumentException("eventId, eventTime and eventName are required");
            }
            return new LineFields(b, eventId, time, eventName);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

    private static void readIdentity(JsonParser p, Builder b) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                p.skipChildren();
            } else if (value == JsonToken.VALUE_STRING) {
                switch (field) {
                    case "userName" -> b.userName = p.getText();
                    case "principalId" -> b.principalId = p.getText();
                    case "accessKeyId" -> b.accessKeyId = p.getText();
                    case "accountId" -> b.accountId = p.getText();
                    default -> {}
                }
            }
        }
    }

    /** Reads the top-level strings of {@code insightDetails}: its state, type and object. */
    private static void readInsight(JsonParser p, Builder b) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                p.skipChildren();
            } else if (value == JsonToken.VALUE_STRING) {
                switch (field) {
                    case "state" -> b.insightState = p.getText();
                    case "insightType" -> b.insightType = p.getText();
                    case "insightObject" -> b.insightObject = p.getText();
                    default -> {}
                }
            }
        }
    }

    /** Reads {@code referencedResources}, an object of type to an array of ids, as distinct {@code type/id} values. */
    private static List<String> readReferenced(JsonParser p) throws IOException {
        List<String> out = new ArrayList<>(2);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String type = p.currentName();
            if (p.nextToken() != JsonToken.START_ARRAY) {
                p.skipChildren();
                continue;
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                if (t == JsonToken.VALUE_STRING) {
                    String value = Attribute.resource(type, p.getText());
                    if (!out.contains(value)) {
                        out.add(value);
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return out;
    }

    /** Parses {@code yyyy-MM-ddTHH:mm:ss.SSSZ} quickly, any other ISO-8601 instant through {@link Instant#parse}. */
    static long parseTime(String text) {
        if (text.length() == 24
                && text.charAt(4) == '-'
                && text.charAt(7) == '-'
                && text.charAt(10) == 'T'
                && text.charAt(13) == ':'
                && text.charAt(16) == ':'
                && text.charAt(19) == '.'
                && text.charAt(23) == 'Z') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 2);
            int day = digits(text, 8, 2);
            int hour = digits(text, 11, 2);
            int minute = digits(text, 14, 2);
            int second = digits(text, 17, 2);
            int millis = digits(text, 20, 3);
            if (year >= 0
                    && month >= 1
                    && month <= 12
                    && day >= 1
                    && day <= 31
                    && hour >= 0
                    && hour < 24
                    && minute >= 0
                    && minute < 60
                    && second >= 0
                    && second < 60
                    && millis >= 0) {
                long days = epochDay(year, month, day);
                return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
            }
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("eventTime is not an ISO-8601 time: " + text, e);
        }
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Days since 1970-01-01 in the proleptic Gregorian calendar (the algorithm of {@code LocalDate.toEpochDay}). */
    private static long epochDay(int year, int month, int day) {
        long y = year;
        long total = 365 * y;
        total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        total += (367L * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            if (!isLeap(year)) {
                total--;
            }
        }
        return total - 719_528L;
    }

    private static boolean isLeap(int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /**
     * Returns the record a sink sees of a line this journal encoded, reading no further than its id and time (the
     * encoder writes them first): the cheap path of delivery, which needs nothing else. The bytes are copied once.
     * Returns null when the line has no id or time; a line of unknown origin is checked whole with {@link #parse}.
     */
    public static @Nullable AuditRecord record(byte[] utf8, int offset, int length) {
        try (JsonParser p = EventCodec.parser(utf8, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String eventId = null;
            long time = Long.MIN_VALUE;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if (value == JsonToken.VALUE_STRING) {
                    if (field.equals("eventId")) {
                        eventId = p.getText();
                    } else if (field.equals("eventTime")) {
                        time = parseTime(p.getText());
                    }
                }
                if (eventId != null && time != Long.MIN_VALUE) {
                    return AuditRecord.ofEncoded(eventId, Instant.ofEpochMilli(time), utf8, offset, length);
                }
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Returns the record a sink sees of this line: the bytes are copied. */
    public AuditRecord toRecord(byte[] utf8, int offset, int length) {
        return AuditRecord.ofEncoded(eventId, Instant.ofEpochMilli(eventTimeMillis), utf8, offset, length);
    }

    /** Returns the line's values of {@code attribute}, as {@link Attribute#valuesOf} gives them for its event. */
    public List<String> values(Attribute attribute) {
        return switch (attribute) {
            case EVENT_NAME -> List.of(eventName);
            case EVENT_TYPE -> one(eventType);
            case EVENT_RW -> one(eventRW);
            case EVENT_CATEGORY -> one(eventCategory);
            case USER_NAME -> one(userName);
            case PRINCIPAL_ID -> one(principalId);
            case ACCOUNT_ID -> one(accountId);
            case ACCESS_KEY_ID -> one(accessKeyId);
            case RESOURCE_TYPE -> one(resourceType);
            case RESOURCE_NAME -> one(resourceName);
            case RESOURCE -> resources();
            case REQUEST_ID -> one(requestId);
            case EVENT_ID -> List.of(eventId);
            case SOURCE_IP_ADDRESS -> one(sourceIpAddress);
            case OUTCOME -> one(outcome);
            case ERROR_CODE -> one(errorCode);
            case SERVICE_NAME -> one(serviceName);
        };
    }

    private List<String> resources() {
        if (resourceType == null || resourceName == null) {
            return referenced;
        }
        String primary = Attribute.resource(resourceType, resourceName);
        if (referenced.isEmpty()) {
            return List.of(primary);
        }
        List<String> all = new ArrayList<>(referenced.size() + 1);
        all.add(primary);
        for (String r : referenced) {
            if (!r.equals(primary) && !all.contains(r)) {
                all.add(r);
            }
        }
        return all;
    }

    private static List<String> one(@Nullable String value) {
        return value == null ? List.of() : List.of(value);
    }

    /** Returns whether the line meets every condition of the query; neither its time range nor its text is considered. */
    public boolean matches(LookupQuery q) {
        for (Condition c : q.conditions()) {
            if (!c.test(values(c.attribute()))) {
                return false;
            }
        }
        return true;
    }

    /** Returns the enum of a wire name, or {@code null} when absent or unknown (written by a newer version). */
    public static <E extends Enum<E>> @Nullable E enumOf(
            @Nullable String wireName, java.util.function.Function<String, E> parse) {
        if (wireName == null) {
            return null;
        }
        try {
            return parse.apply(wireName);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
