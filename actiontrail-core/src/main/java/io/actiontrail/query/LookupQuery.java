package io.actiontrail.query;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to look up: a time range, any number of {@link Condition conditions} on the events' {@link Attribute
 * attributes}, all of which an event must meet (within one condition, any of its values: OR; prefixes; networks;
 * negation), and optionally words of free text. Without a condition every event in the range matches.
 *
 * <p>The time range holds events at or after {@code startTime} and before {@code endTime}. Without
 * {@code startTime} it starts {@link #DEFAULT_RANGE 7 days} before the first page is fetched; with or without it, it
 * never starts before the store's retention. Without {@code endTime} it has no upper bound. Events recorded after the
 * first page was fetched never appear on later pages, so paging visits each matching event exactly once while new
 * events arrive. Pages come newest first unless the order says otherwise.
 *
 * <p>Free text: each phrase must appear, ignoring case, in the event's JSON form (its values and its field names).
 *
 * <p>Immutable and thread-safe.
 *
 * @param startTime the earliest event time, inclusive
 * @param endTime the latest event time, exclusive
 * @param conditions what the attributes must be, all of them
 * @param text phrases that must each appear in the event, ignoring case
 * @param order newest or oldest first
 * @param maxResults the most events on one page, 1 to 1,000
 * @param nextToken the token of the previous page's {@link LookupResult}, or {@code null} for the first page
 */
public record LookupQuery(
        @Nullable Instant startTime,
        @Nullable Instant endTime,
        List<Condition> conditions,
        List<String> text,
        Order order,
        int maxResults,
        @Nullable String nextToken) {

    /** The default page size: 50. */
    public static final int DEFAULT_MAX_RESULTS = 50;

    /** The largest page size: 1,000. */
    public static final int MAX_MAX_RESULTS = 1000;

    /** The longest phrase of free text: 1,000 characters. */
    public static final int MAX_TEXT_LENGTH = 1000;

    /** How far back a query without {@code startTime} looks: 7 days. */
    public static final Duration DEFAULT_RANGE = Duration.ofDays(7);

    /** The order of a lookup's pages. Immutable and thread-safe. */
    public enum Order {
        /** The latest event first: what was just done. */
        NEWEST_FIRST,
        /** The earliest event first: a history read forwards, such as a resource's timeline. */
        OLDEST_FIRST
    }

    /**
     * Validates and copies the values.
     *
     * @throws IllegalArgumentException if {@code endTime} is before {@code startTime}, {@code maxResults} is not
     *     between 1 and 1,000, the conditions hold more than {@link Condition#MAX_TERMS} terms together, or a phrase
     *     is blank or longer than {@link #MAX_TEXT_LENGTH}
     */
    public LookupQuery {
        Objects.requireNonNull(order, "order");
        conditions = List.copyOf(conditions);
        text = List.copyOf(text);
        if (startTime != null && endTime != null && endTime.isBefore(startTime)) {
            throw new IllegalArgumentException("endTime " + endTime + " is before startTime " + startTime);
        }
        if (maxResults < 1 || maxResults > MAX_MAX_RESULTS) {
            throw new IllegalArgumentException(
                    "maxResults must be between 1 and " + MAX_MAX_RESULTS + ": " + maxResults);
        }
        if (nextToken != null && nextToken.isBlank()) {
            throw new IllegalArgumentException("nextToken must not be blank");
        }
        int terms = conditions.stream().mapToInt(Condition::terms).sum();
        if (terms > Condition.MAX_TERMS) {
            throw new IllegalArgumentException("the query has " + terms + " values in its conditions; at most "
                    + Condition.MAX_TERMS + " are allowed");
        }
        for (String phrase : text) {
            if (phrase.isBlank()) {
                throw new IllegalArgumentException("a phrase of free text must not be blank");
            }
            if (phrase.length() > MAX_TEXT_LENGTH) {
                throw new IllegalArgumentException("a phrase of free text has " + phrase.length()
                        + " characters; at most " + MAX_TEXT_LENGTH + " are allowed");
            }
        }
    }

    /** Returns a builder of a query for the last 7 days, newest first, 50 events a page, no condition. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder of a resource's timeline: every event that names it, as its primary resource or a referenced
     * one, oldest first, over the store's whole retention.
     */
    public static Builder timeline(String resourceType, String resourceName) {
        return new Builder()
                .resource(resourceType, resourceName)
                .order(Order.OLDEST_FIRST)
                .startTime(Instant.EPOCH);
    }

    /** Returns a builder with this query's values, for example to ask for the next page. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Returns the query for the page after {@code result}, or {@code null} if {@code result} was the last page. */
    public @Nullable LookupQuery next(LookupResult result) {
        String token = result.nextToken();
        return token == null ? null : toBuilder().nextToken(token).build();
    }

    /** Returns the conditions on {@code attribute}, in the order given. */
    public List<Condition> conditionsOn(Attribute attribute) {
        return conditions.stream().filter(c -> c.attribute() == attribute).toList();
    }

    /**
     * Returns whether the event meets every condition and contains every phrase of free text; the time range is not
     * considered.
     */
    public boolean matchesAttributes(AuditEvent event) {
        for (Condition c : conditions) {
            if (!c.test(c.attribute().valuesOf(event))) {
                return false;
            }
        }
        return text.isEmpty() || containsText(event.toJson());
    }

    /** Returns whether {@code json}, an event's JSON form, contains every phrase of free text, ignoring case. */
    public boolean containsText(String json) {
        if (text.isEmpty()) {
            return true;
        }
        String lower = json.toLowerCase(Locale.ROOT);
        for (String phrase : text) {
            if (!lower.contains(phrase.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns a canonical form of everything but the page size and token, for example to tell whether a page token
     * belongs to this query.
     */
    public String filtersKey() {
        return startTime + "|" + endTime + "|" + conditions + "|" + text + "|" + order;
    }

    /** Builds a {@link LookupQuery}. Not thread-safe. */
    public static final class Builder {
        private @Nullable Instant startTime;
        private @Nullable Instant endTime;
        private final List<Condition> conditions = new ArrayList<>();
        private final List<String> text = new ArrayList<>();
        private Order order = Order.NEWEST_FIRST;
        private int maxResults = DEFAULT_MAX_RESULTS;
        private @Nullable String nextToken;

        private Builder() {}

        private Builder(LookupQuery q) {
            startTime = q.startTime;
            endTime = q.endTime;
            conditions.addAll(q.conditions);
            text.addAll(q.text);
            order = q.order;
            maxResults = q.maxResults;
            nextToken = q.nextToken;
        }

        /** Sets the earliest event time, inclusive; defaults to 7 days before the first page. */
        public Builder startTime(@Nullable Instant startTime) {
            this.startTime = startTime;
            return this;
        }

        /** Sets the latest event time, exclusive; defaults to no bound. */
        public Builder endTime(@Nullable Instant endTime) {
            this.endTime = endTime;
            return this;
        }

        /** Adds a condition that every event must meet. */
        public Builder where(Condition condition) {
            conditions.add(Objects.requireNonNull(condition, "condition"));
            return this;
        }

        /** Removes every condition on {@code attribute}. */
        public Builder clear(Attribute attribute) {
            conditions.removeIf(c -> c.attribute() == attribute);
            return this;
        }

        /**
         * Replaces the conditions on {@code attribute} with "is exactly {@code value}"; a null value removes them.
         *
         * @throws IllegalArgumentException if {@code value} is not valid for the attribute
         */
        public Builder is(Attribute attribute, @Nullable String value) {
            clear(attribute);
            return value == null ? this : where(Condition.is(attribute, value));
        }

        /** Adds a phrase that must appear in each event, ignoring case. */
        public Builder text(String phrase) {
            text.add(Objects.requireNonNull(phrase, "phrase"));
            return this;
        }

        /** Sets newest or oldest first; defaults to newest first. */
        public Builder order(Order order) {
            this.order = Objects.requireNonNull(order, "order");
            return this;
        }

        /** Matches only this operation (replacing any condition on it). */
        public Builder eventName(@Nullable String eventName) {
            return is(Attribute.EVENT_NAME, eventName);
        }

        /** Matches only reads or only writes. */
        public Builder eventRW(@Nullable EventRW eventRW) {
            return is(Attribute.EVENT_RW, eventRW == null ? null : eventRW.wireName());
        }

        /** Matches only this channel. */
        public Builder eventType(@Nullable EventType eventType) {
            return is(Attribute.EVENT_TYPE, eventType == null ? null : eventType.wireName());
        }

        /** Matches only management or only data events. */
        public Builder eventCategory(@Nullable EventCategory eventCategory) {
            return is(Attribute.EVENT_CATEGORY, eventCategory == null ? null : eventCategory.wireName());
        }

        /** Matches only this user name. */
        public Builder userName(@Nullable String userName) {
            return is(Attribute.USER_NAME, userName);
        }

        /** Matches only this principal id. */
        public Builder principalId(@Nullable String principalId) {
            return is(Attribute.PRINCIPAL_ID, principalId);
        }

        /** Matches only this account: the tenant. */
        public Builder accountId(@Nullable String accountId) {
            return is(Attribute.ACCOUNT_ID, accountId);
        }

        /** Matches only this access key id. */
        public Builder accessKeyId(@Nullable String accessKeyId) {
            return is(Attribute.ACCESS_KEY_ID, accessKeyId);
        }

        /** Matches only this primary resource type. */
        public Builder resourceType(@Nullable String resourceType) {
            return is(Attribute.RESOURCE_TYPE, resourceType);
        }

        /** Matches only this primary resource name. */
        public Builder resourceName(@Nullable String resourceName) {
            return is(Attribute.RESOURCE_NAME, resourceName);
        }

        /** Matches only the events naming this resource, as their primary resource or a referenced one. */
        public Builder resource(String type, String name) {
            return is(Attribute.RESOURCE, Attribute.resource(type, name));
        }

        /** Matches only this service. */
        public Builder serviceName(@Nullable String serviceName) {
            return is(Attribute.SERVICE_NAME, serviceName);
        }

        /** Matches only this outcome. */
        public Builder outcome(@Nullable Outcome outcome) {
            return is(Attribute.OUTCOME, outcome == null ? null : outcome.wireName());
        }

        /** Matches only this error code. */
        public Builder errorCode(@Nullable String errorCode) {
            return is(Attribute.ERROR_CODE, errorCode);
        }

        /** Matches only this request id. */
        public Builder requestId(@Nullable String requestId) {
            return is(Attribute.REQUEST_ID, requestId);
        }

        /** Matches only this event id. */
        public Builder eventId(@Nullable String eventId) {
            return is(Attribute.EVENT_ID, eventId);
        }

        /** Matches only this client IP. */
        public Builder sourceIpAddress(@Nullable String sourceIpAddress) {
            return is(Attribute.SOURCE_IP_ADDRESS, sourceIpAddress);
        }

        /**
         * Sets the most events on one page; defaults to 50.
         *
         * @throws IllegalArgumentException if not between 1 and 1,000
         */
        public Builder maxResults(int maxResults) {
            if (maxResults < 1 || maxResults > MAX_MAX_RESULTS) {
                throw new IllegalArgumentException(
                        "maxResults must be between 1 and " + MAX_MAX_RESULTS + ": " + maxResults);
            }
            this.maxResults = maxResults;
            return this;
        }

        /** Sets the token of the previous page, or {@code null} for the first page. */
        public Builder nextToken(@Nullable String nextToken) {
            this.nextToken = nextToken;
            return this;
        }

        /**
         * Returns the query.
         *
         * @throws IllegalArgumentException if a value is out of range (see {@link LookupQuery})
         */
        public LookupQuery build() {
            return new LookupQuery(startTime, endTime, conditions, text, order, maxResults, nextToken);
        }
    }
}
