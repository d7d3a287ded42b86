package io.actiontrail;

/**
 * Through which channel an operation reached the service.
 *
 * <p>Immutable and thread-safe.
 */
public enum EventType {
    /** A call through the service's API, SDK or CLI. */
    API_CALL("ApiCall"),
    /** An operation performed in a web console by a signed-in user. */
    CONSOLE_OPERATION("ConsoleOperation"),
    /** A console sign-in attempt, successful or not. */
    CONSOLE_SIGNIN("ConsoleSignin"),
    /** A console sign-out. */
    CONSOLE_SIGNOUT("ConsoleSignout"),
    /** An operation performed by the service itself on behalf of a user (a scheduled job, a callback). */
    SERVICE_EVENT("ServiceEvent"),
    /** An event of the system, not attributable to a user request. */
    SYSTEM_EVENT("SystemEvent"),
    /**
     * An insight: unusual activity this library detected in the events it recorded ({@code Start} and {@code End}
     * events sharing {@link AuditEvent#sharedEventId()}, details in {@link AuditEvent#insightDetails()}).
     */
    INSIGHT("ActionTrailInsight");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the spelling used in the JSON wire format, for example {@code ApiCall}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the constant with the given wire spelling.
     *
     * @throws IllegalArgumentException if no constant has that spelling
     */
    public static EventType fromWireName(String wireName) {
        return WireNames.find(values(), EventType::wireName, wireName, "eventType");
    }
}
