package io.actiontrail.insights;

/**
 * The kinds of unusual activity that insights detect, spelled on the wire as CloudTrail and ActionTrail spell them.
 *
 * <p>Immutable and thread-safe.
 */
public enum InsightType {
    /** The rate of one write operation, per (eventName, serviceName), rose far above its baseline. */
    API_CALL_RATE("ApiCallRateInsight"),
    /** The rate of one failing operation, per (eventName, errorCode), rose far above its baseline. */
    API_ERROR_RATE("ApiErrorRateInsight"),
    /** A principal acted from a source IP network (/24 for IPv4, /48 for IPv6) never seen for it before. */
    IP("IpInsight"),
    /** An access key's call rate rose far above its baseline, or it was used after a long silence. */
    ACCESS_KEY("AkInsight"),
    /**
     * Logging was concealed: a trail stopped, a trail's selector or the retention changed between two starts, the
     * tamper-evidence log reported an error, or journal files were removed behind the journal's back.
     */
    TRAIL_CONCEALMENT("TrailConcealmentInsight"),
    /** Events whose names match the password patterns: one insight per burst of them. */
    PASSWORD_CHANGE("PasswordChangeInsight"),
    /** Events whose names match the policy patterns: one insight per burst of them. */
    POLICY_CHANGE("PolicyChangeInsight");

    private final String wireName;

    InsightType(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the spelling in insight events, for example {@code ApiCallRateInsight}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the constant with the given wire spelling.
     *
     * @throws IllegalArgumentException if no constant has that spelling
     */
    public static InsightType fromWireName(String wireName) {
        for (InsightType type : values()) {
            if (type.wireName.equals(wireName)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown insightType: " + wireName);
    }
}
