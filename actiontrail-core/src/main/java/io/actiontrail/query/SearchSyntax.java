package io.actiontrail.query;

import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads the search syntax of audit-log consoles into a {@link LookupQuery}:
 *
 * <pre>{@code
 * user:alice action:Create* -outcome:Success resource:Order/o-1 ip:203.0.113.0/24 tenant:t-9
 * after:2026-12-01 before:2026-12-02 "free text"
 * }</pre>
 *
 * <ul>
 *   <li>{@code key:value} matches an attribute exactly (case-sensitive values; enumerated attributes take their
 *       values in any case: {@code outcome:denied}). Keys: see {@link #KEYS}.
 *   <li>{@code key:a,b} and a key given twice match any of the values (OR); different keys must all match (AND).
 *   <li>{@code value*} matches a prefix ({@code "a b"*} one with a space); {@code ip:} takes an address or a network in
 *       CIDR notation.
 *   <li>{@code -key:value} excludes: the event must match none of the values.
 *   <li>{@code "a phrase"} and bare words are free text: each must appear in the event, ignoring case.
 *   <li>Values with spaces, commas or quotes are quoted: {@code user:"Alice Smith"}; inside quotes {@code \"} is a
 *       quote and {@code \\} a backslash, and {@code *} is literal.
 *   <li>{@code after:} (inclusive) and {@code before:} (exclusive) take a date ({@code 2026-12-01}, midnight UTC)
 *       or an instant ({@code 2026-12-01T08:00:00Z}); {@code order:oldest} or {@code order:newest}.
 * </ul>
 *
 * <p>A search it cannot read throws {@link SearchSyntaxException}, naming the problem and its position. Stateless and
 * thread-safe.
 */
public final class SearchSyntax {

    /** The longest search text: 64 KiB of characters. */
    public static final int MAX_LENGTH = 64 * 1024;

    /** The keys and the attributes they match; several keys may name one attribute. */
    public static final Map<String, Attribute> KEYS = keys();

    private SearchSyntax() {}

    private static Map<String, Attribute> keys() {
        Map<String, Attribute> keys = new LinkedHashMap<>();
        keys.put("user", Attribute.USER_NAME);
        keys.put("principal", Attribute.PRINCIPAL_ID);
        keys.put("action", Attribute.EVENT_NAME);
        keys.put("event", Attribute.EVENT_NAME);
        keys.put("type", Attribute.EVENT_TYPE);
        keys.put("rw", Attribute.EVENT_RW);
        keys.put("category", Attribute.EVENT_CATEGORY);
        keys.put("tenant", Attribute.ACCOUNT_ID);
        keys.put("account", Attribute.ACCOUNT_ID);
        keys.put("key", Attribute.ACCESS_KEY_ID);
        keys.put("resource", Attribute.RESOURCE);
        keys.put("resourceType", Attribute.RESOURCE_TYPE);
        keys.put("resourceName", Attribute.RESOURCE_NAME);
        keys.put("request", Attribute.REQUEST_ID);
        keys.put("id", Attribute.EVENT_ID);
        keys.put("ip", Attribute.SOURCE_IP_ADDRESS);
        keys.put("outcome", Attribute.OUTCOME);
        keys.put("error", Attribute.ERROR_CODE);
        keys.put("service", Attribute.SERVICE_NAME);
        return Map.copyOf(keys);
    }

    /**
     * Reads a search into a query builder, on which the caller may still set the page size or token.
     *
     * @throws SearchSyntaxException if the search cannot be read
     */
    public static LookupQuery.Builder parse(String search) {
        return new Parser(search).parse();
    }

    /** The key {@link #format} writes for each attribute. */
    private static final Map<Attribute, String> PREFERRED_KEYS = preferredKeys();

    private static Map<Attribute, String> preferredKeys() {
        Map<Attribute, String> preferred = new java.util.EnumMap<>(Attribute.class);
        for (String key : List.of(
                "user",
                "principal",
                "action",
                "type",
                "rw",
                "category",
                "tenant",
                "key",
                "resource",
                "resourceType",
                "resourceName",
                "request",
                "id",
                "ip",
                "outcome",
                "error",
                "service")) {
            preferred.put(KEYS.get(key), key);
        }
        return preferred;
    }

    /**
     * Writes a query in the search syntax: {@link #parse} reads it back into the same filters, for every query with
     * at most one condition that is not negated per attribute (the syntax reads several such conditions on one
     * attribute as one, any of their values). The page size and token are not written.
     */
    public static String format(LookupQuery query) {
        List<String> terms = new ArrayList<>();
        for (Condition c : query.conditions()) {
            List<String> values = new ArrayList<>();
            c.values()
                    .forEach(v -> values.add(
                            c.attribute() == Attribute.SOURCE_IP_ADDRESS && v.indexOf('/') >= 0 ? quote(v) : value(v)));
            c.prefixes().forEach(p -> values.add(needsQuotes(p) ? quote(p) + "*" : p + "*"));
            values.addAll(c.networks());
            terms.add((c.negated() ? "-" : "") + PREFERRED_KEYS.get(c.attribute()) + ":" + String.join(",", values));
        }
        if (query.startTime() != null) {
            terms.add("after:" + query.startTime());
        }
        if (query.endTime() != null) {
            terms.add("before:" + query.endTime());
        }
        if (query.order() == LookupQuery.Order.OLDEST_FIRST) {
            terms.add("order:oldest");
        }
        query.text().forEach(t -> terms.add(quote(t)));
        return String.join(" ", terms);
    }

    private static String value(String v) {
        return needsQuotes(v) || v.endsWith("*") ? quote(v) : v;
    }

    private static boolean needsQuotes(String v) {
        if (v.isEmpty()) {
            return true;
        }
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            if (Character.isWhitespace(c) || c == ',' || c == '"' || c == '\\' || c == '*') {
                return true;
            }
        }
        return false;
    }

    private static String quote(String v) {
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** One {@code key:} term's values, and where each was. */
    private record Value(String text, boolean quoted, int position) {}

    private static final class Parser {
        private final String s;
        private int i;
        /** Positive terms by attribute, merged into one condition each; negative terms each their own. */
        private final Map<Attribute, Condition.Builder> positive = new LinkedHashMap<>();

        private final List<Condition> negative = new ArrayList<>();
        private final LookupQuery.Builder query = LookupQuery.builder();
        private @Nullable Instant after;
        private @Nullable Instant before;

        Parser(String search) {
            if (search == null) {
                throw new SearchSyntaxException("the search is null", 0);
            }
            if (search.length() > MAX_LENGTH) {
                throw new SearchSyntaxException(
                        "the search is " + search.length() + " characters long; at most " + MAX_LENGTH + " are allowed",
                        MAX_LENGTH);
            }
            this.s = search;
        }

        LookupQuery.Builder parse() {
            while (true) {
                skipSpace();
                if (i >= s.length()) {
                    break;
                }
                term();
            }
            try {
                positive.values().forEach(b -> query.where(b.build()));
            } catch (IllegalArgumentException e) {
                throw new SearchSyntaxException(String.valueOf(e.getMessage()), 0);
            }
            negative.forEach(query::where);
            if (after != null && before != null && before.isBefore(after)) {
                throw new SearchSyntaxException("before: " + before + " is earlier than after: " + after, 0);
            }
            query.startTime(after).endTime(before);
            try {
                query.build(); // checks the limits of the whole query here, with this class's error
            } catch (IllegalArgumentException e) {
                throw new SearchSyntaxException(String.valueOf(e.getMessage()), 0);
            }
            return query;
        }

        private void term() {
            int start = i;
            if (s.charAt(i) == '"') {
                query.text(quoted());
                return;
            }
            boolean negated = false;
            if (s.charAt(i) == '-' && i + 1 < s.length() && !Character.isWhitespace(s.charAt(i + 1))) {
                negated = true;
                i++;
            }
            int keyStart = i;
            while (i < s.length() && isKeyChar(s.charAt(i))) {
                i++;
            }
            if (i < s.length() && s.charAt(i) == ':' && i > keyStart) {
                String key = s.substring(keyStart, i);
                i++;
                keyed(key, negated, start, keyStart);
                return;
            }
            // a bare word: free text
            i = start;
            int wordStart = i;
            while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                if (s.charAt(i) == '"') {
                    throw new SearchSyntaxException("a quote inside a word; put the whole phrase in quotes", i);
                }
                i++;
            }
            query.text(s.substring(wordStart, i));
        }

        private void keyed(String key, boolean negated, int termStart, int keyStart) {
            List<Value> values = values(key);
            switch (key) {
                case "after", "before" -> {
                    if (negated) {
                        throw new SearchSyntaxException(key + ": cannot be negated", termStart);
                    }
                    if (values.size() != 1) {
                        throw new SearchSyntaxException(key + ": takes one time", values.get(1).position);
                    }
                    Instant time = time(values.get(0));
                    if (key.equals("after")) {
                        after = time;
                    } else {
                        before = time;
                    }
                    return;
                }
                case "order" -> {
                    if (negated || values.size() != 1) {
                        throw new SearchSyntaxException("order: takes one of newest, oldest", termStart);
                    }
                    Value v = values.get(0);
                    switch (v.text.toLowerCase(Locale.ROOT)) {
                        case "newest" -> query.order(LookupQuery.Order.NEWEST_FIRST);
                        case "oldest" -> query.order(LookupQuery.Order.OLDEST_FIRST);
                        default ->
                            throw new SearchSyntaxException(
                                    "order: takes newest or oldest, not '" + v.text + "'", v.position);
                    }
                    return;
                }
                default -> {}
            }
            Attribute attribute = KEYS.get(key);
            if (attribute == null) {
                throw new SearchSyntaxException(
                        "unknown key '" + key + "'; the keys are "
                                + String.join(
                                        ", ", KEYS.keySet().stream().sorted().toList())
                                + ", after, before, order",
                        keyStart);
            }
            Condition.Builder condition = negated ? Condition.builder(attribute) : positive.get(attribute);
            if (condition == null) {
                condition = Condition.builder(attribute);
                positive.put(attribute, condition);
            }
            for (Value v : values) {
                add(condition, attribute, v);
            }
            if (negated) {
                negative.add(condition.negated(true).build());
            }
        }

        private void add(Condition.Builder condition, Attribute attribute, Value v) {
            try {
                if (!v.quoted && v.text.endsWith("*")) {
                    String prefix = v.text.substring(0, v.text.length() - 1);
                    if (prefix.isEmpty()) {
                        throw new SearchSyntaxException(
                                "'*' alone matches everything; leave the key out instead", v.position);
                    }
                    if (prefix.indexOf('*') >= 0 && s.charAt(v.position) != '"') {
                        throw new SearchSyntaxException("'*' is allowed at the end of a value only", v.position);
                    }
                    condition.prefix(prefix);
                } else if (attribute == Attribute.SOURCE_IP_ADDRESS && !v.quoted && v.text.indexOf('/') >= 0) {
                    condition.network(v.text);
                } else {
                    condition.value(canonical(attribute, v.text));
                }
            } catch (SearchSyntaxException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new SearchSyntaxException(String.valueOf(e.getMessage()), v.position);
            }
        }

        /** The wire spelling of an enumerated attribute's value given in any case; other values as they are. */
        private static String canonical(Attribute attribute, String value) {
            return switch (attribute) {
                case EVENT_TYPE -> spelling(EventType.values(), EventType::wireName, value);
                case EVENT_RW -> spelling(EventRW.values(), EventRW::wireName, value);
                case EVENT_CATEGORY -> spelling(EventCategory.values(), EventCategory::wireName, value);
                case OUTCOME -> spelling(Outcome.values(), Outcome::wireName, value);
                default -> value;
            };
        }

        private static <E> String spelling(E[] constants, Function<E, String> wireName, String value) {
            for (E c : constants) {
                if (wireName.apply(c).equalsIgnoreCase(value)) {
                    return wireName.apply(c);
                }
            }
            return value; // refused by the condition, with the choices
        }

        private List<Value> values(String key) {
            List<Value> values = new ArrayList<>();
            while (true) {
                int at = i;
                if (i >= s.length() || Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',') {
                    throw new SearchSyntaxException(key + ": needs a value", at);
                }
                if (s.charAt(i) == '"') {
                    String text = quoted();
                    if (i < s.length() && s.charAt(i) == '*') {
                        i++;
                        values.add(new Value(text + "*", false, at)); // "a b"* is the prefix "a b"
                    } else {
                        values.add(new Value(text, true, at));
                    }
                } else {
                    while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != ',') {
                        if (s.charAt(i) == '"') {
                            throw new SearchSyntaxException("a quote inside a value; quote the whole value", i);
                        }
                        i++;
                    }
                    values.add(new Value(s.substring(at, i), false, at));
                }
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                if (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                    throw new SearchSyntaxException("a space or a comma must follow a quoted value", i);
                }
                return values;
            }
        }

        /** Reads a quoted string starting at the quote under {@code i}. */
        private String quoted() {
            int open = i;
            i++;
            StringBuilder out = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        break;
                    }
                    char next = s.charAt(i++);
                    if (next != '"' && next != '\\') {
                        throw new SearchSyntaxException(
                                "unknown escape '\\" + next + "'; only \\\" and \\\\ are", i - 2);
                    }
                    out.append(next);
                } else {
                    out.append(c);
                }
            }
            throw new SearchSyntaxException("the quote opened here is never closed", open);
        }

        private static Instant time(Value v) {
            String t = v.text;
            try {
                if (t.length() == 10) {
                    return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
                }
                return Instant.parse(t);
            } catch (DateTimeException e) {
                throw new SearchSyntaxException(
                        "'" + t + "' is not a date (2026-12-01) or an instant (2026-12-01T08:00:00Z)", v.position);
            }
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private static boolean isKeyChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
    }
}
