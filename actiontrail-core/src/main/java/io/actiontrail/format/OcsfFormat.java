package io.actiontrail.format;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * OCSF {@value #VERSION} API Activity (class {@value #CLASS_UID}), mapped the way the published CloudTrail-to-OCSF
 * mappings map the CloudTrail field that means the same. Immutable and thread-safe.
 *
 * <p>Where each field goes is listed in {@link EventFormats#ocsf()}; what OCSF has no place for goes to {@code
 * unmapped}, keeping this project's field names and nesting.
 */
final class OcsfFormat implements EventFormat {

    /** The OCSF schema version written in {@code metadata.version}. */
    static final String VERSION = "1.8.0";

    static final int CLASS_UID = 6003;
    static final int CATEGORY_UID = 6;
    static final String PRODUCT_NAME = "ActionTrail for Java";
    static final String VENDOR_NAME = "ActionTrail";

    static final OcsfFormat INSTANCE = new OcsfFormat();

    // The published mapping derives the activity from the operation's verb, with these word lists; this matches the
    // verb as the first word of the name only, so that GetUpdateStatus is a read and Listener is no verb
    private static final Pattern CREATE = verbs("Create|Run|Generate");
    private static final Pattern READ = verbs("Get|List|Describe|Search|Lookup");
    private static final Pattern UPDATE = verbs("Update|Put|Modify|Add|Remove|Start|Stop|Attach|Detach|Associate"
            + "|Disassociate|Tag|Untag|Enable|Disable|Register|Deregister");
    private static final Pattern DELETE = verbs("Delete|Terminate");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private OcsfFormat() {}

    private static Pattern verbs(String alternatives) {
        return Pattern.compile("^(" + alternatives + ")(?![a-z])");
    }

    @Override
    public String name() {
        return EventFormats.OCSF;
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
        int activity = activityId(e);
        w.startObject();
        w.number("activity_id", (long) activity);
        w.string("activity_name", activityName(activity));
        w.number("category_uid", (long) CATEGORY_UID);
        w.string("category_name", "Application Activity");
        w.number("class_uid", (long) CLASS_UID);
        w.string("class_name", "API Activity");
        w.number("type_uid", (long) CLASS_UID * 100 + activity);
        w.string("type_name", "API Activity: " + activityName(activity));
        w.number("severity_id", 1L);
        w.string("severity", "Informational");
        w.number("time", e.eventTime().toEpochMilli());
        w.number("duration", e.durationMs());
        status(w, e);
        metadata(w, e);
        actor(w, e.userIdentity());
        api(w, e);
        srcEndpoint(w, e.sourceIpAddress());
        if (e.eventSource() != null || e.serviceName() != null) {
            w.startObject("dst_endpoint");
            w.string("hostname", e.eventSource());
            w.string("svc_name", e.serviceName());
            w.endObject();
        }
        if (e.userAgent() != null) {
            w.startObject("http_request");
            w.string("user_agent", e.userAgent());
            w.endObject();
        }
        resources(w, e);
        Map<String, @Nullable Object> unmapped = unmapped(e);
        if (!unmapped.isEmpty()) {
            w.tree("unmapped", unmapped);
        }
        w.endObject();
    }

    static int activityId(AuditEvent e) {
        String name = e.eventName();
        if (CREATE.matcher(name).find()) {
            return 1;
        }
        if (READ.matcher(name).find()) {
            return 2;
        }
        if (UPDATE.matcher(name).find()) {
            return 3;
        }
        if (DELETE.matcher(name).find()) {
            return 4;
        }
        return e.eventRW() == EventRW.READ ? 2 : 99;
    }

    private static String activityName(int activity) {
        return switch (activity) {
            case 1 -> "Create";
            case 2 -> "Read";
            case 3 -> "Update";
            case 4 -> "Delete";
            default -> "Other";
        };
    }

    private static void status(Json.Writer w, AuditEvent e) throws IOException {
        Outcome outcome = e.outcome();
        if (outcome == null) {
            if (e.errorCode() == null) {
                w.number("status_id", 0L);
                w.string("status", "Unknown");
                return;
            }
            outcome = Outcome.FAILURE;
        }
        if (outcome == Outcome.SUCCESS) {
            w.number("status_id", 1L);
            w.string("status", "Success");
        } else {
            w.number("status_id", 2L);
            w.string("status", "Failure");
            w.string("status_code", e.errorCode());
            // OCSF has no "denied" status: the detail keeps the difference
            w.string("status_detail", outcome == Outcome.DENIED ? outcome.wireName() : e.errorMessage());
        }
    }

    private static void metadata(Json.Writer w, AuditEvent e) throws IOException {
        w.startObject("metadata");
        w.string("version", VERSION);
        w.startObject("product");
        w.string("name", PRODUCT_NAME);
        w.string("vendor_name", VENDOR_NAME);
        if (e.eventCategory() != null) {
            w.startObject("feature");
            w.string("name", e.eventCategory().wireName());
            w.endObject();
        }
        w.endObject();
        w.string("uid", e.eventId());
        w.string("event_code", e.eventName());
        EventType type = e.eventType();
        w.string("log_name", type == null ? null : type.wireName());
        w.string("log_provider", VENDOR_NAME);
        w.string("log_version", e.eventVersion());
        UserIdentity identity = e.userIdentity();
        w.string("tenant_uid", identity == null ? null : identity.accountId());
        w.endObject();
    }

    private static void actor(Json.Writer w, @Nullable UserIdentity identity) throws IOException {
        w.startObject("actor");
        w.startObject("user");
        if (identity == null) {
            // OCSF requires an actor with a user, application or process; the event names none
            w.number("type_id", 0L);
            w.string("type", "Unknown");
            w.string("name", "unknown");
        } else {
            int typeId = userTypeId(identity.type());
            w.number("type_id", (long) typeId);
            w.string("type", identity.type().wireName());
            w.string("uid", identity.principalId());
            String name = identity.userName();
            if (name == null && identity.principalId() == null && identity.accountId() == null) {
                // a user needs a name, uid or account: an anonymous caller is known by its type only
                name = identity.type().wireName().toLowerCase(Locale.ROOT);
            }
            w.string("name", name);
            w.string("credential_uid", identity.accessKeyId());
            if (identity.accountId() != null) {
                w.startObject("account");
                w.string("uid", identity.accountId());
                w.endObject();
            }
        }
        w.endObject();
        UserIdentity.SessionContext session = identity == null ? null : identity.sessionContext();
        if (session != null && (session.creationDate() != null || session.mfaAuthenticated() != null)) {
            w.startObject("session");
            w.number(
                    "created_time",
                    session.creationDate() == null
                            ? null
                            : session.creationDate().toEpochMilli());
            w.bool("is_mfa", session.mfaAuthenticated());
            w.endObject();
        }
        w.endObject();
    }

    private static int userTypeId(UserIdentity.Type type) {
        return switch (type) {
            case USER -> 1;
            case SYSTEM -> 3;
            case SERVICE -> 4;
            case ANONYMOUS, ASSUMED_ROLE -> 99;
        };
    }

    private static void api(Json.Writer w, AuditEvent e) throws IOException {
        w.startObject("api");
        w.string("operation", e.eventName());
        if (e.serviceName() != null) {
            w.startObject("service");
            w.string("name", e.serviceName());
            w.endObject();
        }
        // request.uid is required by OCSF: without a request id the parameters go to unmapped
        if (e.requestId() != null) {
            w.startObject("request");
            w.string("uid", e.requestId());
            if (e.requestParameters() != null) {
                w.tree("data", e.requestParameters());
            }
            w.endObject();
        }
        if (e.responseElements() != null || e.errorCode() != null || e.errorMessage() != null) {
            w.startObject("response");
            if (e.responseElements() != null) {
                w.tree("data", e.responseElements());
            }
            w.string("error", e.errorCode());
            w.string("error_message", e.errorMessage());
            w.endObject();
        }
        w.endObject();
    }

    private static void srcEndpoint(Json.Writer w, @Nullable String source) throws IOException {
        w.startObject("src_endpoint");
        if (source == null) {
            // OCSF requires a source endpoint with an address or a name; the event names none
            w.string("name", "unknown");
        } else if (isIpLiteral(source)) {
            w.string("ip", source);
        } else {
            w.string("domain", source);
        }
        w.endObject();
    }

    /** Whether the text is an IPv4 or IPv6 literal; never resolves a name. */
    static boolean isIpLiteral(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        boolean v6 = text.indexOf(':') >= 0 && IPV6.matcher(text).matches();
        if (!v4 && !v6) {
            return false;
        }
        try {
            InetAddress.getByName(text); // a literal is parsed, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void resources(Json.Writer w, AuditEvent e) throws IOException {
        boolean primary = e.resourceType() != null || e.resourceName() != null;
        Map<String, List<String>> referenced = e.referencedResources();
        if (!primary && (referenced == null || referenced.isEmpty())) {
            return;
        }
        Set<String> written = new HashSet<>();
        w.startArray("resources");
        if (primary) {
            resource(w, e.resourceType(), e.resourceName(), 1, "Target");
            written.add(e.resourceType() + "\u0000" + e.resourceName());
        }
        if (referenced != null) {
            for (Map.Entry<String, List<String>> entry : referenced.entrySet()) {
                for (String id : entry.getValue()) {
                    if (written.add(entry.getKey() + "\u0000" + id)) {
                        resource(w, entry.getKey(), id, 4, "Related");
                    }
                }
            }
        }
        w.endArray();
    }

    private static void resource(Json.Writer w, @Nullable String type, @Nullable String id, int roleId, String role)
            throws IOException {
        w.startObject();
        w.string("type", type);
        // a resource needs a name or uid: a primary resource given by its type only is named by it
        w.string("uid", id != null ? id : type);
        w.number("role_id", (long) roleId);
        w.string("role", role);
        w.endObject();
    }

    /** What OCSF API Activity has no attribute for, under this project's own names. */
    static Map<String, @Nullable Object> unmapped(AuditEvent e) {
        Map<String, @Nullable Object> unmapped = new LinkedHashMap<>();
        if (e.eventRW() != null) {
            unmapped.put("eventRW", e.eventRW().wireName());
        }
        if (e.region() != null) {
            unmapped.put("region", e.region());
        }
        UserIdentity identity = e.userIdentity();
        UserIdentity.SessionContext session = identity == null ? null : identity.sessionContext();
        if (session != null && !session.roles().isEmpty()) {
            unmapped.put("userIdentity", Map.of("sessionContext", Map.of("roles", session.roles())));
        }
        if (e.requestId() == null && e.requestParameters() != null) {
            unmapped.put("requestParameters", e.requestParameters());
        }
        if (e.additionalEventData() != null) {
            unmapped.put("additionalEventData", e.additionalEventData());
        }
        return unmapped;
    }

    @Override
    public String toString() {
        return "EventFormat{" + name() + '}';
    }
}
