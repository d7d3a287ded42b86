package io.actiontrail.test;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * AssertJ assertions on one {@link AuditEvent}; obtain them from {@link ActionTrailAssertions#assertThat(AuditEvent)}
 * or {@link AuditSinkAssert#singleEventNamed(String)}. Failure messages name the event and its id, the expected
 * value and the actual one.
 *
 * <p>Not thread-safe: use each instance from one thread at a time; the event itself is immutable.
 */
public final class AuditEventAssert extends AbstractAssert<AuditEventAssert, AuditEvent> {

    AuditEventAssert(@Nullable AuditEvent actual) {
        super(actual, AuditEventAssert.class);
    }

    /** Verifies the event's {@code eventName}. */
    public AuditEventAssert hasEventName(String eventName) {
        Objects.requireNonNull(eventName, "eventName");
        isNotNull();
        return check("eventName", eventName, actual.eventName());
    }

    /** Verifies the event's {@code outcome}. */
    public AuditEventAssert hasOutcome(Outcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        isNotNull();
        return check(
                "outcome",
                outcome.wireName(),
                actual.outcome() == null ? null : actual.outcome().wireName());
    }

    /** Verifies the {@code userIdentity.userName}. */
    public AuditEventAssert hasUserName(String userName) {
        Objects.requireNonNull(userName, "userName");
        isNotNull();
        UserIdentity identity = identity("userIdentity.userName", userName);
        return check("userIdentity.userName", userName, identity.userName());
    }

    /** Verifies the {@code userIdentity.principalId}. */
    public AuditEventAssert hasPrincipalId(String principalId) {
        Objects.requireNonNull(principalId, "principalId");
        isNotNull();
        UserIdentity identity = identity("userIdentity.principalId", principalId);
        return check("userIdentity.principalId", principalId, identity.principalId());
    }

    /** Verifies the event's {@code sourceIpAddress}. */
    public AuditEventAssert hasSourceIpAddress(String sourceIpAddress) {
        Objects.requireNonNull(sourceIpAddress, "sourceIpAddress");
        isNotNull();
        return check("sourceIpAddress", sourceIpAddress, actual.sourceIpAddress());
    }

    /** Verifies the primary resource: {@code resourceType} and {@code resourceName}. */
    public AuditEventAssert hasResource(String resourceType, String resourceName) {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceName, "resourceName");
        isNotNull();
        if (!resourceType.equals(actual.resourceType()) || !resourceName.equals(actual.resourceName())) {
            failWithMessage(
                    "Expected %s to have resource %s %s but had %s %s",
                    describe(),
                    show(resourceType),
                    show(resourceName),
                    show(actual.resourceType()),
                    show(actual.resourceName()));
        }
        return this;
    }

    /** Verifies the event's {@code errorCode}. */
    public AuditEventAssert hasErrorCode(String errorCode) {
        Objects.requireNonNull(errorCode, "errorCode");
        isNotNull();
        return check("errorCode", errorCode, actual.errorCode());
    }

    /** Verifies whether the event read or wrote: its {@code eventRW}. */
    public AuditEventAssert hasEventRW(EventRW eventRW) {
        Objects.requireNonNull(eventRW, "eventRW");
        isNotNull();
        return check(
                "eventRW",
                eventRW.wireName(),
                actual.eventRW() == null ? null : actual.eventRW().wireName());
    }

    /** Verifies the event's channel: its {@code eventType}. */
    public AuditEventAssert hasEventType(EventType eventType) {
        Objects.requireNonNull(eventType, "eventType");
        isNotNull();
        return check(
                "eventType",
                eventType.wireName(),
                actual.eventType() == null ? null : actual.eventType().wireName());
    }

    /**
     * Verifies one top-level entry of {@code requestParameters}. Values are JSON trees, so whole numbers are
     * {@link Long} and decimals {@link Double}; an expected {@code Integer}, {@code Short} or {@code Byte} is compared
     * as a {@code Long}, a {@code Float} as a {@code Double}, and maps and lists element by element.
     *
     * @param key the parameter's name
     * @param expectedValue the expected value; {@code null} expects a parameter present with a JSON {@code null}
     */
    public AuditEventAssert hasRequestParameter(String key, @Nullable Object expectedValue) {
        Objects.requireNonNull(key, "key");
        isNotNull();
        Map<String, ?> parameters = actual.requestParameters();
        if (parameters == null) {
            failWithMessage(
                    "Expected %s to have request parameter \"%s\" = %s, but it has no requestParameters",
                    describe(), key, showTyped(expectedValue));
            return this;
        }
        if (!parameters.containsKey(key)) {
            failWithMessage(
                    "Expected %s to have request parameter \"%s\" = %s, but it has no such key; keys: %s",
                    describe(), key, showTyped(expectedValue), parameters.keySet());
            return this;
        }
        Object expected = normalize(expectedValue);
        Object value = parameters.get(key);
        if (!Objects.equals(expected, value)) {
            failWithMessage(
                    "Expected %s to have request parameter \"%s\" = %s but was %s",
                    describe(), key, showTyped(expected), showTyped(value));
        }
        return this;
    }

    private UserIdentity identity(String field, String expected) {
        UserIdentity identity = actual.userIdentity();
        if (identity == null) {
            failWithMessage("Expected %s to have %s %s, but it has no userIdentity", describe(), field, show(expected));
            throw new IllegalStateException("unreachable: failWithMessage throws");
        }
        return identity;
    }

    private AuditEventAssert check(String field, String expected, @Nullable String value) {
        if (!expected.equals(value)) {
            failWithMessage("Expected %s to have %s %s but was %s", describe(), field, show(expected), show(value));
        }
        return this;
    }

    private String describe() {
        return "event \"" + actual.eventName() + "\" (eventId " + actual.eventId() + ")";
    }

    private static String show(@Nullable String value) {
        return value == null ? "<absent>" : "\"" + value + "\"";
    }

    private static String showTyped(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?>) {
            return value + " (Map)";
        }
        if (value instanceof List<?>) {
            return value + " (List)";
        }
        String text = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
        return text + " (" + value.getClass().getSimpleName() + ")";
    }

    /** Turns an expected value into the JSON tree the event would hold for it. */
    private static @Nullable Object normalize(@Nullable Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<@Nullable Object, @Nullable Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, normalize(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(normalize(element));
            }
            return copy;
        }
        return value;
    }
}
