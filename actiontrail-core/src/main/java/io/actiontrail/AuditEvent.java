package io.actiontrail;

import io.actiontrail.internal.Failures;
import io.actiontrail.internal.capture.Snapshotter;
import io.actiontrail.internal.codec.EventCodec;
import io.actiontrail.internal.codec.JsonTree;
import io.actiontrail.internal.codec.ModelAccess;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One audit event: who did what, when, from where, on which resource, with what result. Field names and meanings
 * follow the ActionTrail event schema, version {@value #CURRENT_VERSION}; the JSON wire format omits absent
 * values.
 *
 * <p>The free-form objects ({@code requestParameters}, {@code responseElements}, {@code additionalEventData}) are
 * deeply immutable JSON trees of maps, lists, strings, booleans, {@code Long}s, {@code Double}s and {@code null}s;
 * the builder turns arbitrary objects into such trees safely.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>Over 500 lines on purpose: the schema's fields, their validation and the one builder that fills them belong
 * together; the JSON form is in the codec.
 *
 * @param eventVersion schema version, {@code major.minor}
 * @param eventId unique id, a time-ordered UUIDv7; the idempotency key of delivery
 * @param eventTime when the operation happened, to the millisecond
 * @param eventName the operation, for example {@code CreateOrder}
 * @param eventType the channel the operation came through
 * @param eventRW whether the operation read or wrote
 * @param eventCategory management or data event
 * @param serviceName the application that recorded the event
 * @param eventSource the host or endpoint that served the call
 * @param region the deployment region
 * @param userIdentity who performed the operation
 * @param sourceIpAddress the client's IP address
 * @param userAgent the client's user agent
 * @param requestId the correlation id of the request
 * @param resourceType the type of the primary resource
 * @param resourceName the name or id of the primary resource
 * @param referencedResources every resource touched, type to ids
 * @param requestParameters the request's arguments, redacted and size-limited
 * @param responseElements the response, redacted and size-limited
 * @param outcome how the operation ended
 * @param errorCode the error code, on failure
 * @param errorMessage the error message, on failure
 * @param durationMs how long the operation took, in milliseconds
 * @param additionalEventData free-form extra context
 * @param sharedEventId for an insight, the id its {@code Start} and {@code End} events share
 * @param insightDetails for an insight, what was detected: {@code state}, {@code insightType},
 *     {@code insightObject} and {@code insightContext} ({@code statistics}, {@code attributions}), as a JSON tree
 */
public record AuditEvent(
        String eventVersion,
        String eventId,
        Instant eventTime,
        String eventName,
        @Nullable EventType eventType,
        @Nullable EventRW eventRW,
        @Nullable EventCategory eventCategory,
        @Nullable String serviceName,
        @Nullable String eventSource,
        @Nullable String region,
        @Nullable UserIdentity userIdentity,
        @Nullable String sourceIpAddress,
        @Nullable String userAgent,
        @Nullable String requestId,
        @Nullable String resourceType,
        @Nullable String resourceName,
        @Nullable Map<String, List<String>> referencedResources,
        @Nullable Map<String, @Nullable Object> requestParameters,
        @Nullable Map<String, @Nullable Object> responseElements,
        @Nullable Outcome outcome,
        @Nullable String errorCode,
        @Nullable String errorMessage,
        @Nullable Long durationMs,
        @Nullable Map<String, @Nullable Object> additionalEventData,
        @Nullable String sharedEventId,
        @Nullable Map<String, @Nullable Object> insightDetails) {

    /** The schema version written by this library. */
    public static final String CURRENT_VERSION = "1.0";

    static {
        ModelAccess.install(new ModelAccess() {
            @Override
            public Builder newBuilder() {
                return new Builder();
            }

            @Override
            public Builder parts(
                    Builder builder,
                    @Nullable Map<String, @Nullable Object> requestParameters,
                    @Nullable Map<String, @Nullable Object> responseElements,
                    @Nullable Map<String, @Nullable Object> additionalEventData) {
                return builder.parts(requestParameters, responseElements, additionalEventData);
            }

            @Override
            public AuditEvent withParts(
                    AuditEvent event,
                    @Nullable Map<String, @Nullable Object> requestParameters,
                    @Nullable Map<String, @Nullable Object> responseElements,
                    @Nullable Map<String, @Nullable Object> additionalEventData) {
                return event.withParts(requestParameters, responseElements, additionalEventData);
            }
        });
    }

    /** Validates the event, truncates the time to milliseconds and makes every nested value immutable. */
    public AuditEvent {
        Objects.requireNonNull(eventVersion, "eventVersion");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(eventName, "eventName");
        if (eventName.isBlank()) {
            throw new IllegalArgumentException("eventName must not be blank");
        }
        eventTime = eventTime.truncatedTo(ChronoUnit.MILLIS);
        referencedResources = referencedResources == null ? null : copyResources(referencedResources);
        requestParameters = requestParameters == null ? null : JsonTree.freezeObject(requestParameters);
        responseElements = responseElements == null ? null : JsonTree.freezeObject(responseElements);
        additionalEventData = additionalEventData == null ? null : JsonTree.freezeObject(additionalEventData);
        insightDetails = insightDetails == null ? null : JsonTree.freezeObject(insightDetails);
    }

    /** Returns a builder for an event with the given name. */
    public static Builder builder(String eventName) {
        return new Builder().eventName(eventName);
    }

    /** Returns a builder initialised with this event's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.eventVersion = eventVersion;
        b.eventId = eventId;
        b.eventTime = eventTime;
        b.eventName = eventName;
        b.eventType = eventType;
        b.eventRW = eventRW;
        b.eventCategory = eventCategory;
        b.serviceName = serviceName;
        b.eventSource = eventSource;
        b.region = region;
        b.userIdentity = userIdentity;
        b.sourceIpAddress = sourceIpAddress;
        b.userAgent = userAgent;
        b.requestId = requestId;
        b.resourceType = resourceType;
        b.resourceName = resourceName;
        b.referencedResources = referencedResources;
        b.requestParameters = requestParameters;
        b.responseElements = responseElements;
        b.outcome = outcome;
        b.errorCode = errorCode;
        b.errorMessage = errorMessage;
        b.durationMs = durationMs;
        b.additionalEventData = additionalEventData;
        b.sharedEventId = sharedEventId;
        b.insightDetails = insightDetails;
        return b;
    }

    /** Returns a copy with the given free-form objects, taken as they are: already snapshotted and redacted. */
    AuditEvent withParts(
            @Nullable Map<String, @Nullable Object> requestParameters,
            @Nullable Map<String, @Nullable Object> responseElements,
            @Nullable Map<String, @Nullable Object> additionalEventData) {
        return toBuilder()
                .parts(requestParameters, responseElements, additionalEventData)
                .build();
    }

    /** Returns the event as one line of UTF-8 JSON, without the line terminator, in the wire format. */
    public String toJson() {
        return EventCodec.encodeToString(this);
    }

    /**
     * Parses an event from its JSON wire format. Unknown fields (from a newer minor schema version) are ignored.
     *
     * @throws IllegalArgumentException if the text is not a valid audit event
     */
    public static AuditEvent fromJson(String json) {
        return EventCodec.decode(json);
    }

    private static Map<String, List<String>> copyResources(Map<String, ? extends Collection<String>> resources) {
        LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
        resources.forEach((type, ids) -> copy.put(Objects.requireNonNull(type, "resource type"), List.copyOf(ids)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Builds an {@link AuditEvent}. Values set to {@code null} are absent. Objects given to the parameter setters are
     * snapshotted at once into JSON trees, safely: cycles, failing getters and oversized values become placeholders.
     * Not thread-safe.
     */
    public static final class Builder {
        private @Nullable String eventVersion;
        private @Nullable String eventId;
        private @Nullable Instant eventTime;
        private @Nullable String eventName;
        private @Nullable EventType eventType;
        private @Nullable EventRW eventRW;
        private @Nullable EventCategory eventCategory;
        private @Nullable String serviceName;
        private @Nullable String eventSource;
        private @Nullable String region;
        private @Nullable UserIdentity userIdentity;
        private @Nullable String sourceIpAddress;
        private @Nullable String userAgent;
        private @Nullable String requestId;
        private @Nullable String resourceType;
        private @Nullable String resourceName;
        private @Nullable Map<String, List<String>> referencedResources;
        private @Nullable Map<String, @Nullable Object> requestParameters;
        private @Nullable Map<String, @Nullable Object> responseElements;
        private @Nullable Outcome outcome;
        private @Nullable String errorCode;
        private @Nullable String errorMessage;
        private @Nullable Long durationMs;
        private @Nullable Map<String, @Nullable Object> additionalEventData;
        private @Nullable String sharedEventId;
        private @Nullable Map<String, @Nullable Object> insightDetails;

        Builder() {}

        /** Sets the schema version; defaults to {@value AuditEvent#CURRENT_VERSION}. */
        public Builder eventVersion(String eventVersion) {
            this.eventVersion = Objects.requireNonNull(eventVersion, "eventVersion");
            return this;
        }

        /** Sets the event id; defaults to a new UUIDv7. */
        public Builder eventId(String eventId) {
            this.eventId = Objects.requireNonNull(eventId, "eventId");
            return this;
        }

        /** Sets when the operation happened; defaults to now. */
        public Builder eventTime(Instant eventTime) {
            this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
            return this;
        }

        /** Sets the operation name, for example {@code CreateOrder}. */
        public Builder eventName(String eventName) {
            this.eventName = Objects.requireNonNull(eventName, "eventName");
            return this;
        }

        /** Sets the channel; when absent, recording takes it from the {@link AuditContext}, else {@code ApiCall}. */
        public Builder eventType(@Nullable EventType eventType) {
            this.eventType = eventType;
            return this;
        }

        /** Sets read or write; when absent, recording assumes {@code Write}. */
        public Builder eventRW(@Nullable EventRW eventRW) {
            this.eventRW = eventRW;
            return this;
        }

        /** Sets the category; when absent, recording assumes {@code Management}. */
        public Builder eventCategory(@Nullable EventCategory eventCategory) {
            this.eventCategory = eventCategory;
            return this;
        }

        /** Sets the recording application; when absent, recording uses the configured service name. */
        public Builder serviceName(@Nullable String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        /** Sets the serving host or endpoint; when absent, recording uses the configured event source. */
        public Builder eventSource(@Nullable String eventSource) {
            this.eventSource = eventSource;
            return this;
        }

        /** Sets the region; when absent, recording uses the configured region. */
        public Builder region(@Nullable String region) {
            this.region = region;
            return this;
        }

        /** Sets who performed the operation; when absent, recording takes it from the {@link AuditContext}. */
        public Builder userIdentity(@Nullable UserIdentity userIdentity) {
            this.userIdentity = userIdentity;
            return this;
        }

        /** Sets the client IP; when absent, recording takes it from the {@link AuditContext}. */
        public Builder sourceIpAddress(@Nullable String sourceIpAddress) {
            this.sourceIpAddress = sourceIpAddress;
            return this;
        }

        /** Sets the user agent; when absent, recording takes it from the {@link AuditContext}. */
        public Builder userAgent(@Nullable String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        /** Sets the correlation id; when absent, recording takes it from the {@link AuditContext}. */
        public Builder requestId(@Nullable String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** Sets the type of the primary resource. */
        public Builder resourceType(@Nullable String resourceType) {
            this.resourceType = resourceType;
            return this;
        }

        /** Sets the name or id of the primary resource. */
        public Builder resourceName(@Nullable String resourceName) {
            this.resourceName = resourceName;
            return this;
        }

        /** Sets the primary resource's type and name. */
        public Builder resource(@Nullable String resourceType, @Nullable String resourceName) {
            this.resourceType = resourceType;
            this.resourceName = resourceName;
            return this;
        }

        /** Replaces every referenced resource, type to ids. */
        public Builder referencedResources(@Nullable Map<String, ? extends Collection<String>> referencedResources) {
            if (referencedResources == null) {
                this.referencedResources = null;
            } else {
                LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
                referencedResources.forEach((type, ids) -> copy.put(type, new ArrayList<>(ids)));
                this.referencedResources = copy;
            }
            return this;
        }

        /** Adds one referenced resource. */
        public Builder referencedResource(String type, String id) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(id, "id");
            LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
            if (referencedResources != null) {
                referencedResources.forEach((t, ids) -> copy.put(t, new ArrayList<>(ids)));
            }
            copy.computeIfAbsent(type, t -> new ArrayList<>()).add(id);
            this.referencedResources = copy;
            return this;
        }

        /** Replaces the request parameters; each value is snapshotted into JSON at once. */
        public Builder requestParameters(@Nullable Map<String, ? extends @Nullable Object> requestParameters) {
            this.requestParameters = snapshotObject(requestParameters);
            return this;
        }

        /** Adds one request parameter; the value is snapshotted into JSON at once. */
        public Builder requestParameter(String name, @Nullable Object value) {
            this.requestParameters = put(requestParameters, name, value);
            return this;
        }

        /** Replaces the response elements; each value is snapshotted into JSON at once. */
        public Builder responseElements(@Nullable Map<String, ? extends @Nullable Object> responseElements) {
            this.responseElements = snapshotObject(responseElements);
            return this;
        }

        /** Replaces the additional event data; each value is snapshotted into JSON at once. */
        public Builder additionalEventData(@Nullable Map<String, ? extends @Nullable Object> additionalEventData) {
            this.additionalEventData = snapshotObject(additionalEventData);
            return this;
        }

        /** Adds one entry of additional event data; the value is snapshotted into JSON at once. */
        public Builder additionalEventData(String name, @Nullable Object value) {
            this.additionalEventData = put(additionalEventData, name, value);
            return this;
        }

        /** Sets how the operation ended; when absent, recording assumes {@code Success} unless an error is set. */
        public Builder outcome(@Nullable Outcome outcome) {
            this.outcome = outcome;
            return this;
        }

        /** Sets the error code. */
        public Builder errorCode(@Nullable String errorCode) {
            this.errorCode = errorCode;
            return this;
        }

        /** Sets the error message. */
        public Builder errorMessage(@Nullable String errorMessage) {
            this.errorMessage = errorMessage;
            return this;
        }

        /**
         * Marks the event failed by {@code error}: outcome {@code Failure} (or {@code Denied} for security
         * exceptions), the exception's simple class name as error code and its message as error message.
         */
        public Builder failure(Throwable error) {
            Objects.requireNonNull(error, "error");
            this.outcome = Failures.outcomeOf(error);
            this.errorCode = Failures.codeOf(error);
            this.errorMessage = Failures.messageOf(error);
            return this;
        }

        /** Sets the id an insight's {@code Start} and {@code End} events share. */
        public Builder sharedEventId(@Nullable String sharedEventId) {
            this.sharedEventId = sharedEventId;
            return this;
        }

        /**
         * Sets an insight's details, a JSON tree of maps, lists, strings, booleans, {@code Long}s and {@code Double}s,
         * taken as it is (not snapshotted, not redacted): insight details hold counts and attribute values only.
         */
        public Builder insightDetails(@Nullable Map<String, @Nullable Object> insightDetails) {
            this.insightDetails = insightDetails == null ? null : JsonTree.freezeObject(insightDetails);
            return this;
        }

        /** Sets the free-form objects from trees that are already snapshots, taking them as they are. */
        Builder parts(
                @Nullable Map<String, @Nullable Object> requestParameters,
                @Nullable Map<String, @Nullable Object> responseElements,
                @Nullable Map<String, @Nullable Object> additionalEventData) {
            this.requestParameters = requestParameters == null ? null : JsonTree.freezeObject(requestParameters);
            this.responseElements = responseElements == null ? null : JsonTree.freezeObject(responseElements);
            this.additionalEventData = additionalEventData == null ? null : JsonTree.freezeObject(additionalEventData);
            return this;
        }

        /** Sets how long the operation took, in milliseconds. */
        public Builder durationMs(@Nullable Long durationMs) {
            if (durationMs != null && durationMs < 0) {
                throw new IllegalArgumentException("durationMs must not be negative: " + durationMs);
            }
            this.durationMs = durationMs;
            return this;
        }

        /**
         * Returns the event.
         *
         * @throws IllegalStateException if no event name was set
         */
        public AuditEvent build() {
            String name = eventName;
            if (name == null || name.isBlank()) {
                throw new IllegalStateException("eventName is required");
            }
            Instant time = eventTime != null ? eventTime : Instant.now();
            String id = eventId != null ? eventId : EventIds.next(time.toEpochMilli());
            return new AuditEvent(
                    eventVersion != null ? eventVersion : CURRENT_VERSION,
                    id,
                    time,
                    name,
                    eventType,
                    eventRW,
                    eventCategory,
                    serviceName,
                    eventSource,
                    region,
                    userIdentity,
                    sourceIpAddress,
                    userAgent,
                    requestId,
                    resourceType,
                    resourceName,
                    referencedResources,
                    requestParameters,
                    responseElements,
                    outcome,
                    errorCode,
                    errorMessage,
                    durationMs,
                    additionalEventData,
                    sharedEventId,
                    insightDetails);
        }

        private static @Nullable Map<String, @Nullable Object> snapshotObject(
                @Nullable Map<String, ? extends @Nullable Object> values) {
            if (values == null) {
                return null;
            }
            if (JsonTree.isFrozenObject(values)) {
                // already a snapshot: walking it again would re-cut its placeholders and impose the default limits
                return Snapshotter.defaults().redactTree(JsonTree.freezeObject(values));
            }
            LinkedHashMap<String, @Nullable Object> out = new LinkedHashMap<>();
            Snapshotter.defaults().snapshotEntries(values, out);
            return JsonTree.adoptRedacted(out, Snapshotter.defaults().redaction());
        }

        private static Map<String, @Nullable Object> put(
                @Nullable Map<String, @Nullable Object> current, String name, @Nullable Object value) {
            Objects.requireNonNull(name, "name");
            LinkedHashMap<String, @Nullable Object> out =
                    current == null ? new LinkedHashMap<>() : new LinkedHashMap<>(current);
            out.put(name, Snapshotter.defaults().snapshotNamed(name, value));
            return current == null
                            || JsonTree.isRedactedBy(
                                    current, Snapshotter.defaults().redaction())
                    ? JsonTree.adoptRedacted(out, Snapshotter.defaults().redaction())
                    : JsonTree.adoptObject(out);
        }
    }
}
