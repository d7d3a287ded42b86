package io.actiontrail;

/**
 * Whether an event concerns the management of resources or access to the data inside them.
 *
 * <p>Immutable and thread-safe.
 */
public enum EventCategory {
    /** Operations on resources themselves: create, configure, delete, grant (the default). */
    MANAGEMENT("Management"),
    /** Operations on the data held by resources: reading or writing records, objects, rows. */
    DATA("Data"),
    /** Insights: events this library records itself when it detects unusual activity. */
    INSIGHT("Insight");

    private final String wireName;

    EventCategory(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the spelling used in the JSON wire format, {@code Management}, {@code Data} or {@code Insight}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the constant with the given wire spelling.
     *
     * @throws IllegalArgumentException if no constant has that spelling
     */
    public static EventCategory fromWireName(String wireName) {
        return WireNames.find(values(), EventCategory::wireName, wireName, "eventCategory");
    }
}
