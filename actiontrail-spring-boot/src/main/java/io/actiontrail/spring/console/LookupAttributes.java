package io.actiontrail.spring.console;

import io.actiontrail.query.Attribute;
import io.actiontrail.query.LookupQuery;
import java.util.Locale;
import java.util.Map;

/**
 * The lookup attributes of the ActionTrail {@code LookupEvents} API, and of the CloudTrail one, as conditions of a
 * {@link LookupQuery}. Stateless.
 */
final class LookupAttributes {

    /** The keys both APIs use, and the attribute each matches exactly. */
    static final Map<String, Attribute> KEYS = Map.ofEntries(
            Map.entry("EventName", Attribute.EVENT_NAME),
            Map.entry("EventId", Attribute.EVENT_ID),
            Map.entry("EventRW", Attribute.EVENT_RW),
            Map.entry("User", Attribute.USER_NAME),
            Map.entry("Username", Attribute.USER_NAME),
            Map.entry("EventAccessKeyId", Attribute.ACCESS_KEY_ID),
            Map.entry("AccessKeyId", Attribute.ACCESS_KEY_ID),
            Map.entry("ResourceType", Attribute.RESOURCE_TYPE),
            Map.entry("ResourceName", Attribute.RESOURCE_NAME),
            Map.entry("ServiceName", Attribute.SERVICE_NAME));

    private LookupAttributes() {}

    /**
     * Adds the condition of one attribute.
     *
     * @throws IllegalArgumentException if the key is unknown or the value not valid for it
     */
    static void apply(LookupQuery.Builder query, String key, String value) {
        if (key.equals("ReadOnly")) {
            switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> query.is(Attribute.EVENT_RW, "Read");
                case "false" -> query.is(Attribute.EVENT_RW, "Write");
                default -> throw new IllegalArgumentException("ReadOnly must be true or false: " + value);
            }
            return;
        }
        Attribute attribute = KEYS.get(key);
        if (attribute == null) {
            throw new IllegalArgumentException("unknown LookupAttribute key '" + key + "'; the keys are "
                    + KEYS.keySet().stream().sorted().toList() + " and ReadOnly");
        }
        if (attribute == Attribute.EVENT_RW) {
            switch (value.toLowerCase(Locale.ROOT)) {
                case "read" -> query.is(Attribute.EVENT_RW, "Read");
                case "write" -> query.is(Attribute.EVENT_RW, "Write");
                case "all" -> query.clear(Attribute.EVENT_RW);
                default -> throw new IllegalArgumentException("EventRW must be Read, Write or All: " + value);
            }
            return;
        }
        query.is(attribute, value);
    }
}
