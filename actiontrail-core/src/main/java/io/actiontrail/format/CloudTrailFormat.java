package io.actiontrail.format;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.UserIdentity;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One record in the shape of an AWS CloudTrail event record, for tools that read CloudTrail: CloudTrail's field names
 * and value spellings where CloudTrail has the field. Immutable and thread-safe.
 *
 * <p>What CloudTrail has no field for goes under {@code additionalEventData.actionTrail}, with this project's names.
 */
final class CloudTrailFormat implements EventFormat {

    /** The oldest CloudTrail record version whose documented contents hold every field this shape writes. */
    static final String RECORD_VERSION = "1.08";

    /** The key under {@code additionalEventData} that holds what CloudTrail has no field for. */
    static final String OWN_KEY = "actionTrail";

    static final CloudTrailFormat INSTANCE = new CloudTrailFormat();

    private CloudTrailFormat() {}

    @Override
    public String name() {
        return EventFormats.CLOUDTRAIL;
    }

    @Override
    public String contentType() {
        return "application/json";
    }

    @Override
    public byte[] encode(AuditEvent e) {
        return Json.write(w -> write(w, e));
    }

    private static void write(Json.Writer w, AuditEvent e) throws IOException {
        UserIdentity identity = e.userIdentity();
        EventRW rw = e.eventRW();
        EventType type = e.eventType();
        EventCategory category = e.eventCategory();
        // the fields CloudTrail documents as always present are written, null when the event has no value
        w.startObject();
        w.string("eventVersion", RECORD_VERSION);
        identity(w, identity);
        w.string("eventTime", Json.time(e.eventTime()));
        w.nullable("eventSource", e.serviceName());
        w.string("eventName", e.eventName());
        w.nullable("awsRegion", e.region());
        w.nullable("sourceIPAddress", e.sourceIpAddress());
        w.nullable("userAgent", e.userAgent());
        w.string("errorCode", e.errorCode());
        w.string("errorMessage", e.errorMessage());
        w.tree("requestParameters", e.requestParameters());
        w.tree("responseElements", e.responseElements());
        w.tree("additionalEventData", additionalEventData(e));
        w.nullable("requestID", e.requestId());
        w.string("eventID", e.eventId());
        w.bool("readOnly", rw == null ? null : rw == EventRW.READ);
        resources(w, e);
        w.nullable("eventType", type == null ? null : eventType(type));
        w.bool("managementEvent", category == null ? null : category == EventCategory.MANAGEMENT);
        w.string("recipientAccountId", identity == null ? null : identity.accountId());
        w.nullable("eventCategory", category == null ? null : category.wireName());
        if (e.sharedEventId() != null) {
            w.string("sharedEventID", e.sharedEventId());
        }
        if (e.insightDetails() != null) {
            w.tree("insightDetails", e.insightDetails());
        }
        if (e.eventSource() != null) {
            w.startObject("tlsDetails");
            w.string("clientProvidedHostHeader", e.eventSource());
            w.endObject();
        }
        w.endObject();
    }

    private static void identity(Json.Writer w, @Nullable UserIdentity identity) throws IOException {
        w.startObject("userIdentity");
        if (identity == null) {
            w.string("type", "Unknown"); // CloudTrail's type for an identity it cannot tell
            w.endObject();
            return;
        }
        w.string("type", identity.type().wireName());
        w.string("principalId", identity.principalId());
        w.string("accountId", identity.accountId());
        w.string("accessKeyId", identity.accessKeyId());
        w.string("userName", identity.userName());
        UserIdentity.SessionContext session = identity.sessionContext();
        if (session != null && (session.creationDate() != null || session.mfaAuthenticated() != null)) {
            w.startObject("sessionContext");
            w.startObject("attributes");
            w.string("creationDate", session.creationDate() == null ? null : Json.time(session.creationDate()));
            // CloudTrail spells the flag as a string
            w.string(
                    "mfaAuthenticated",
                    session.mfaAuthenticated() == null
                            ? null
                            : session.mfaAuthenticated().toString());
            w.endObject();
            w.endObject();
        }
        w.endObject();
    }

    /** CloudTrail's spelling of the channel; the exact type is kept under {@code additionalEventData.actionTrail}. */
    static String eventType(EventType type) {
        return switch (type) {
            case API_CALL -> "AwsApiCall";
            case CONSOLE_OPERATION, CONSOLE_SIGNOUT -> "AwsConsoleAction";
            case CONSOLE_SIGNIN -> "AwsConsoleSignIn";
            case SERVICE_EVENT, SYSTEM_EVENT -> "AwsServiceEvent";
            case INSIGHT -> "AwsCloudTrailInsight";
        };
    }

    private static void resources(Json.Writer w, AuditEvent e) throws IOException {
        Map<String, List<String>> referenced = e.referencedResources();
        boolean primary = e.resourceName() != null;
        if (!primary && (referenced == null || referenced.isEmpty())) {
            return;
        }
        Set<String> written = new HashSet<>();
        w.startArray("resources");
        if (primary) {
            resource(w, e.resourceType(), e.resourceName());
            written.add(e.resourceType() + "\u0000" + e.resourceName());
        }
        if (referenced != null) {
            for (Map.Entry<String, List<String>> entry : referenced.entrySet()) {
                for (String id : entry.getValue()) {
                    if (written.add(entry.getKey() + "\u0000" + id)) {
                        resource(w, entry.getKey(), id);
                    }
                }
            }
        }
        w.endArray();
    }

    private static void resource(Json.Writer w, @Nullable String type, @Nullable String id) throws IOException {
        w.startObject();
        // CloudTrail names resources by ARN; this project's resources have names or ids in that place
        w.string("ARN", id);
        w.string("type", type);
        w.endObject();
    }

    /** The event's own additional data with what CloudTrail has no field for under {@value #OWN_KEY}. */
    static Map<String, @Nullable Object> additionalEventData(AuditEvent e) {
        Map<String, @Nullable Object> data = new LinkedHashMap<>();
        if (e.additionalEventData() != null) {
            data.putAll(e.additionalEventData());
        }
        Map<String, @Nullable Object> own = new LinkedHashMap<>();
        own.put("eventVersion", e.eventVersion());
        if (e.eventType() != null) {
            own.put("eventType", e.eventType().wireName());
        }
        if (e.eventRW() != null) {
            own.put("eventRW", e.eventRW().wireName());
        }
        if (e.eventSource() != null) {
            own.put("eventSource", e.eventSource());
        }
        if (e.resourceType() != null) {
            own.put("resourceType", e.resourceType());
        }
        if (e.resourceName() != null) {
            own.put("resourceName", e.resourceName());
        }
        UserIdentity identity = e.userIdentity();
        UserIdentity.SessionContext session = identity == null ? null : identity.sessionContext();
        if (session != null && !session.roles().isEmpty()) {
            own.put("roles", session.roles());
        }
        if (e.outcome() != null) {
            own.put("outcome", e.outcome().wireName());
        }
        if (e.durationMs() != null) {
            own.put("durationMs", e.durationMs());
        }
        data.put(OWN_KEY, own);
        return data;
    }

    @Override
    public String toString() {
        return "EventFormat{" + name() + '}';
    }
}
