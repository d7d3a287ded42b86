package io.actiontrail.query;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An attribute of an event that a {@link LookupQuery} can match and that stores index. Each has the name it is known
 * by in the wire format (its {@link #wireName()}) and the values an event has for it: none, one, or for
 * {@link #RESOURCE} every resource the event names.
 *
 * <p>Immutable and thread-safe.
 */
public enum Attribute {
    /** The operation, for example {@code CreateOrder}. */
    EVENT_NAME("eventName"),
    /** The channel, in its wire spelling ({@code ApiCall}, {@code ConsoleOperation}, …). */
    EVENT_TYPE("eventType"),
    /** {@code Read} or {@code Write}. */
    EVENT_RW("eventRW"),
    /** {@code Management} or {@code Data}. */
    EVENT_CATEGORY("eventCategory"),
    /** The {@link UserIdentity#userName()}. */
    USER_NAME("userIdentity.userName"),
    /** The {@link UserIdentity#principalId()}. */
    PRINCIPAL_ID("userIdentity.principalId"),
    /** The {@link UserIdentity#accountId()}: the tenant. */
    ACCOUNT_ID("userIdentity.accountId"),
    /** The {@link UserIdentity#accessKeyId()}. */
    ACCESS_KEY_ID("userIdentity.accessKeyId"),
    /** The type of the primary resource. */
    RESOURCE_TYPE("resourceType"),
    /** The name of the primary resource. */
    RESOURCE_NAME("resourceName"),
    /**
     * Every resource the event names, as {@code type/name}: the primary resource (when it has both a type and a name)
     * and each id of {@code referencedResources}. A resource's timeline is the events with its value here.
     */
    RESOURCE("resource"),
    /** The correlation id of the request. */
    REQUEST_ID("requestId"),
    /** The event's own id. */
    EVENT_ID("eventId"),
    /** The client's IP address; matched by address or by network ({@code 203.0.113.0/24}). */
    SOURCE_IP_ADDRESS("sourceIpAddress"),
    /** {@code Success}, {@code Failure} or {@code Denied}. */
    OUTCOME("outcome"),
    /** The error code of a failed or denied operation. */
    ERROR_CODE("errorCode"),
    /** The application that recorded the event. */
    SERVICE_NAME("serviceName");

    private final String wireName;

    Attribute(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the attribute's path in the wire format, for example {@code userIdentity.userName}. */
    public String wireName() {
        return wireName;
    }

    /** Returns the values {@code event} has for this attribute, in no particular order; empty when it has none. */
    public List<String> valuesOf(AuditEvent event) {
        EventType type = event.eventType();
        EventRW rw = event.eventRW();
        EventCategory category = event.eventCategory();
        Outcome outcome = event.outcome();
        return switch (this) {
            case EVENT_NAME -> List.of(event.eventName());
            case EVENT_TYPE -> one(type == null ? null : type.wireName());
            case EVENT_RW -> one(rw == null ? null : rw.wireName());
            case EVENT_CATEGORY -> one(category == null ? null : category.wireName());
            case USER_NAME -> one(identity(event, UserIdentity::userName));
            case PRINCIPAL_ID -> one(identity(event, UserIdentity::principalId));
            case ACCOUNT_ID -> one(identity(event, UserIdentity::accountId));
            case ACCESS_KEY_ID -> one(identity(event, UserIdentity::accessKeyId));
            case RESOURCE_TYPE -> one(event.resourceType());
            case RESOURCE_NAME -> one(event.resourceName());
            case RESOURCE -> resources(event);
            case REQUEST_ID -> one(event.requestId());
            case EVENT_ID -> List.of(event.eventId());
            case SOURCE_IP_ADDRESS -> one(event.sourceIpAddress());
            case OUTCOME -> one(outcome == null ? null : outcome.wireName());
            case ERROR_CODE -> one(event.errorCode());
            case SERVICE_NAME -> one(event.serviceName());
        };
    }

    /**
     * Returns the value of {@link #RESOURCE} that names a resource: its type, a slash and its name.
     *
     * @throws NullPointerException if either is null
     */
    public static String resource(String type, String name) {
        return type + "/" + name;
    }

    /**
     * Returns whether {@code value} is a valid value of this attribute: the wire spelling of a constant for the
     * enumerated attributes, anything for the others.
     */
    boolean accepts(String value) {
        try {
            switch (this) {
                case EVENT_TYPE -> EventType.fromWireName(value);
                case EVENT_RW -> EventRW.fromWireName(value);
                case EVENT_CATEGORY -> EventCategory.fromWireName(value);
                case OUTCOME -> Outcome.fromWireName(value);
                default -> {}
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Returns, for an enumerated attribute, the values it takes as {@code " (one of A, B)"}; else nothing. */
    String choices() {
        List<String> names =
                switch (this) {
                    case EVENT_TYPE ->
                        Arrays.stream(EventType.values())
                                .map(EventType::wireName)
                                .toList();
                    case EVENT_RW ->
                        Arrays.stream(EventRW.values()).map(EventRW::wireName).toList();
                    case EVENT_CATEGORY ->
                        Arrays.stream(EventCategory.values())
                                .map(EventCategory::wireName)
                                .toList();
                    case OUTCOME ->
                        Arrays.stream(Outcome.values()).map(Outcome::wireName).toList();
                    default -> List.of();
                };
        return names.isEmpty() ? "" : " (one of " + String.join(", ", names) + ")";
    }

    private static List<String> one(@Nullable String value) {
        return value == null ? List.of() : List.of(value);
    }

    private static @Nullable String identity(AuditEvent event, Function<UserIdentity, @Nullable String> part) {
        UserIdentity identity = event.userIdentity();
        return identity == null ? null : part.apply(identity);
    }

    private static List<String> resources(AuditEvent event) {
        List<String> out = new ArrayList<>(2);
        String type = event.resourceType();
        String name = event.resourceName();
        if (type != null && name != null) {
            out.add(resource(type, name));
        }
        Map<String, List<String>> referenced = event.referencedResources();
        if (referenced != null) {
            referenced.forEach((referencedType, ids) -> {
                for (String id : ids) {
                    String value = resource(referencedType, id);
                    if (!out.contains(value)) {
                        out.add(value);
                    }
                }
            });
        }
        return out;
    }
}
