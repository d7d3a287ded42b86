package io.actiontrail;

/**
 * How an audited operation ended.
 *
 * <p>Immutable and thread-safe.
 */
public enum Outcome {
    /** The operation completed. */
    SUCCESS("Success"),
    /** The operation failed; the event carries {@code errorCode} and {@code errorMessage}. */
    FAILURE("Failure"),
    /** The operation was refused for lack of authentication or permission. */
    DENIED("Denied");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the spelling used in the JSON wire format, for example {@code Success}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the constant with the given wire spelling.
     *
     * @throws IllegalArgumentException if no constant has that spelling
     */
    public static Outcome fromWireName(String wireName) {
        return WireNames.find(values(), Outcome::wireName, wireName, "outcome");
    }
}
