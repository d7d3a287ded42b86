package io.actiontrail.query;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What to look up: a time range and any combination of attributes, all of which an event must match exactly
 * (case-sensitive). Attributes left unset match everything.
 *
 * <p>The time range holds events at or after {@code startTime} and before {@code endTime}. Without
 * {@code startTime} it starts {@link #DEFAULT_RANGE 7 days} before the first page is fetched; with or without it, it
 * never starts before the store's retention. Without {@code endTime} it has no upper bound. Events recorded after the first page was
 * fetched never appear on later pages, so paging visits each matching event exactly once while new events arrive.
 *
 * <p>Immutable and thread-safe.
 *
 * @param startTime the earliest event time, inclusive
 * @param endTime the latest event time, exclusive
 * @param eventName the operation, for example {@code CreateOrder}
 * @param eventRW read or write
 * @param eventType the channel, for example {@link EventType#API_CALL}
 * @param userName the {@link UserIdentity#userName()}
 * @param principalId the {@link UserIdentity#principalId()}
 * @param accessKeyId the {@link UserIdentity#accessKeyId()}
 * @param resourceType the type of the primary resource
 * @param resourceName the name of the primary resource
 * @param serviceName the application that recorded the event
 * @param outcome success, failure or denied
 * @param requestId the correlation id
 * @param sourceIpAddress the client IP
 * @param maxResults the most events on one page, 1 to 1,000
 * @param nextToken the token of the previous page's {@link LookupResult}, or {@code null} for the first page
 */
public record LookupQuery(
        @Nullable Instant startTime,
        @Nullable Instant endTime,
        @Nullable String eventName,
        @Nullable EventRW eventRW,
        @Nullable EventType eventType,
        @Nullable String userName,
        @Nullable String principalId,
        @Nullable String accessKeyId,
        @Nullable String resourceType,
        @Nullable String resourceName,
        @Nullable String serviceName,
        @Nullable Outcome outcome,
        @Nullable String requestId,
        @Nullable String sourceIpAddress,
        int maxResults,
        @Nullable String nextToken) {

    /** The default page size: 50. */
    public static final int DEFAULT_MAX_RESULTS = 50;

    /** The largest page size: 1,000. */
    public static final int MAX_MAX_RESULTS = 1000;

    /** How far back a query without {@code startTime} looks: 7 days. */
    public static final Duration DEFAULT_RANGE = Duration.ofDays(7);

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException if {@code endTime} is before {@code startTime}, or {@code maxResults} is not
     *     between 1 and 1,000
     */
    public LookupQuery {
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
    }

    /** Returns a builder of a query for the last 7 days, 50 events a page, no attribute set. */
    public static Builder builder() {
        return new Builder();
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

    /** Returns whether the event matches every attribute this query sets; the time range is not considered. */
    public boolean matchesAttributes(AuditEvent event) {
        UserIdentity identity = event.userIdentity();
        return eq(eventName, event.eventName())
                && (eventRW == null || eventRW == event.eventRW())
                && (eventType == null || eventType == event.eventType())
                && eq(userName, identity == null ? null : identity.userName())
                && eq(principalId, identity == null ? null : identity.principalId())
                && eq(accessKeyId, identity == null ? null : identity.accessKeyId())
                && eq(resourceType, event.resourceType())
                && eq(resourceName, event.resourceName())
                && eq(serviceName, event.serviceName())
                && (outcome == null || outcome == event.outcome())
                && eq(requestId, event.requestId())
                && eq(sourceIpAddress, event.sourceIpAddress());
    }

    private static boolean eq(@Nullable String wanted, @Nullable String actual) {
        return wanted == null || wanted.equals(actual);
    }

    /** Builds a {@link LookupQuery}. Not thread-safe. */
    public static final class Builder {
        private @Nullable Instant startTime;
        private @Nullable Instant endTime;
        private @Nullable String eventName;
        private @Nullable EventRW eventRW;
        private @Nullable EventType eventType;
        private @Nullable String userName;
        private @Nullable String principalId;
        private @Nullable String accessKeyId;
        private @Nullable String resourceType;
        private @Nullable String resourceName;
        private @Nullable String serviceName;
        private @Nullable Outcome outcome;
        private @Nullable String requestId;
        private @Nullable String sourceIpAddress;
        private int maxResults = DEFAULT_MAX_RESULTS;
        private @Nullable String nextToken;

        private Builder() {}

        private Builder(LookupQuery q) {
            startTime = q.startTime;
            endTime = q.endTime;
            eventName = q.eventName;
            eventRW = q.eventRW;
            eventType = q.eventType;
            userName = q.userName;
            principalId = q.principalId;
            accessKeyId = q.accessKeyId;
            resourceType = q.resourceType;
            resourceName = q.resourceName;
            serviceName = q.serviceName;
            outcome = q.outcome;
            requestId = q.requestId;
            sourceIpAddress = q.sourceIpAddress;
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

        /** Matches only this operation. */
        public Builder eventName(@Nullable String eventName) {
            this.eventName = eventName;
            return this;
        }

        /** Matches only reads or only writes. */
        public Builder eventRW(@Nullable EventRW eventRW) {
            this.eventRW = eventRW;
            return this;
        }

        /** Matches only this channel. */
        public Builder eventType(@Nullable EventType eventType) {
            this.eventType = eventType;
            return this;
        }

        /** Matches only this user name. */
        public Builder userName(@Nullable String userName) {
            this.userName = userName;
            return this;
        }

        /** Matches only this principal id. */
        public Builder principalId(@Nullable String principalId) {
            this.principalId = principalId;
            return this;
        }

        /** Matches only this access key id. */
        public Builder accessKeyId(@Nullable String accessKeyId) {
            this.accessKeyId = accessKeyId;
            return this;
        }

        /** Matches only this resource type. */
        public Builder resourceType(@Nullable String resourceType) {
            this.resourceType = resourceType;
            return this;
        }

        /** Matches only this resource name. */
        public Builder resourceName(@Nullable String resourceName) {
            this.resourceName = resourceName;
            return this;
        }

        /** Matches only this service. */
        public Builder serviceName(@Nullable String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        /** Matches only this outcome. */
        public Builder outcome(@Nullable Outcome outcome) {
            this.outcome = outcome;
            return this;
        }

        /** Matches only this request id. */
        public Builder requestId(@Nullable String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** Matches only this client IP. */
        public Builder sourceIpAddress(@Nullable String sourceIpAddress) {
            this.sourceIpAddress = sourceIpAddress;
            return this;
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
         * @throws IllegalArgumentException if {@code endTime} is before {@code startTime}
         */
        public LookupQuery build() {
            return new LookupQuery(
                    startTime,
                    endTime,
                    eventName,
                    eventRW,
                    eventType,
                    userName,
                    principalId,
                    accessKeyId,
                    resourceType,
                    resourceName,
                    serviceName,
                    outcome,
                    requestId,
                    sourceIpAddress,
                    maxResults,
                    nextToken);
        }
    }
}
