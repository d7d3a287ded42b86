package io.actiontrail;

/**
 * Whether an operation only read state or changed it.
 *
 * <p>Immutable and thread-safe.
 */
public enum EventRW {
    /** The operation only read state. */
    READ("Read"),
    /** The operation created, changed or deleted state. */
    WRITE("Write");

    private final String wireName;

    EventRW(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the spelling used in the JSON wire format, {@code Read} or {@code Write}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the constant with the given wire spelling.
     *
     * @throws IllegalArgumentException if no constant has that spelling
     */
    public static EventRW fromWireName(String wireName) {
        return WireNames.find(values(), EventRW::wireName, wireName, "eventRW");
    }
}
