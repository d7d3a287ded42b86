package io.actiontrail.format;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The built-in {@link EventFormat}s and their names.
 *
 * <ul>
 *   <li>{@value #ACTIONTRAIL}: this project's JSON object, byte for byte the journal's line; the default.
 *   <li>{@value #OCSF}: OCSF 1.8.0 API Activity (class 6003), see {@link #ocsf()}.
 *   <li>{@value #CLOUDEVENTS}: CloudEvents 1.0 JSON event format (structured mode), the ActionTrail object as data.
 *   <li>{@value #CLOUDEVENTS_BINARY}: CloudEvents 1.0 binary mode: the ActionTrail object as the body, the context
 *       attributes as Kafka {@code ce_*} or HTTP {@code ce-*} headers.
 *   <li>{@value #CLOUDTRAIL}: the shape of an AWS CloudTrail event record, see {@link #cloudTrail()}.
 * </ul>
 *
 * <p>Immutable and thread-safe: every format returned is a shared, stateless instance.
 */
public final class EventFormats {

    /** The name of this project's own JSON format: {@value}. */
    public static final String ACTIONTRAIL = "actiontrail";

    /** The name of the OCSF API Activity format: {@value}. */
    public static final String OCSF = "ocsf";

    /** The name of the CloudEvents structured-mode format: {@value}. */
    public static final String CLOUDEVENTS = "cloudevents";

    /** The name of the CloudEvents binary-mode format: {@value}. */
    public static final String CLOUDEVENTS_BINARY = "cloudevents-binary";

    /** The name of the CloudTrail record format: {@value}. */
    public static final String CLOUDTRAIL = "cloudtrail";

    private static final List<String> NAMES = List.of(ACTIONTRAIL, OCSF, CLOUDEVENTS, CLOUDEVENTS_BINARY, CLOUDTRAIL);

    private EventFormats() {}

    /** Returns this project's JSON format, the journal's line as it is: the default of every sink. */
    public static EventFormat actionTrail() {
        return ActionTrailJsonFormat.INSTANCE;
    }

    /**
     * Returns OCSF 1.8.0 API Activity (class_uid 6003, category_uid 6), following the published CloudTrail-to-OCSF
     * mapping for the CloudTrail field that means the same:
     *
     * <ul>
     *   <li>{@code eventId} → {@code metadata.uid}; {@code eventVersion} → {@code metadata.log_version}; {@code
     *       eventTime} → {@code time} (epoch milliseconds); {@code eventName} → {@code api.operation} and {@code
     *       metadata.event_code}, and its leading verb (Create, Get, List, Update, Delete, …) → {@code activity_id}
     *       (else Read for a read, else Other); {@code eventType} → {@code metadata.log_name}; {@code eventCategory}
     *       → {@code metadata.product.feature.name};
     *   <li>{@code serviceName} → {@code api.service.name} and {@code dst_endpoint.svc_name}; {@code eventSource} →
     *       {@code dst_endpoint.hostname};
     *   <li>{@code userIdentity}: {@code type} → {@code actor.user.type} and {@code type_id}, {@code principalId} →
     *       {@code actor.user.uid}, {@code userName} → {@code actor.user.name}, {@code accountId} → {@code
     *       actor.user.account.uid} and {@code metadata.tenant_uid}, {@code accessKeyId} → {@code
     *       actor.user.credential_uid}, {@code sessionContext.creationDate} → {@code actor.session.created_time},
     *       {@code sessionContext.mfaAuthenticated} → {@code actor.session.is_mfa};
     *   <li>{@code sourceIpAddress} → {@code src_endpoint.ip} (a name instead of an address → {@code
     *       src_endpoint.domain}); {@code userAgent} → {@code http_request.user_agent};
     *   <li>{@code requestId} → {@code api.request.uid}; {@code requestParameters} → {@code api.request.data};
     *       {@code responseElements} → {@code api.response.data}; {@code errorCode} → {@code api.response.error} and
     *       {@code status_code}; {@code errorMessage} → {@code api.response.error_message} and {@code
     *       status_detail}; {@code outcome} → {@code status_id}/{@code status} ({@code Denied} is a failure whose
     *       {@code status_detail} is {@code Denied});
     *   <li>{@code resourceType}/{@code resourceName} → a {@code resources} entry with role Target; {@code
     *       referencedResources} → entries with role Related (the primary resource is not repeated); {@code
     *       durationMs} → {@code duration};
     *   <li>to {@code unmapped}, under this project's names: {@code eventRW}, {@code region} (OCSF's {@code cloud}
     *       object requires a provider the event does not name), {@code userIdentity.sessionContext.roles}, {@code
     *       requestParameters} when there is no request id ({@code api.request} requires one) and {@code
     *       additionalEventData}.
     * </ul>
     *
     * <p>OCSF requires an actor and a source endpoint: an event without a user identity has the user {@code unknown}
     * of type Unknown, one without a source address the source endpoint named {@code unknown}.
     */
    public static EventFormat ocsf() {
        return OcsfFormat.INSTANCE;
    }

    /** Returns CloudEvents 1.0 in structured mode: {@code application/cloudevents+json}, the event as data. */
    public static EventFormat cloudEvents() {
        return CloudEventsFormat.STRUCTURED;
    }

    /** Returns CloudEvents 1.0 in binary mode: the event as the body, the context attributes as headers. */
    public static EventFormat cloudEventsBinary() {
        return CloudEventsFormat.BINARY;
    }

    /**
     * Returns the shape of an AWS CloudTrail event record (record contents version 1.08; the fields CloudTrail documents as always present are
     * always written, {@code null} when the event has no value): {@code eventID}, {@code
     * eventTime}, {@code eventName}, {@code eventSource} (the service name), {@code awsRegion} (the region), {@code
     * userIdentity} ({@code type}, {@code principalId}, {@code accountId}, {@code accessKeyId}, {@code userName},
     * {@code sessionContext.attributes} with {@code creationDate} and {@code mfaAuthenticated} as a string), {@code
     * sourceIPAddress}, {@code userAgent}, {@code requestID}, {@code requestParameters}, {@code responseElements},
     * {@code errorCode}, {@code errorMessage}, {@code readOnly} (from {@code eventRW}), {@code eventType} ({@code
     * AwsApiCall}, {@code AwsConsoleAction}, {@code AwsConsoleSignIn} or {@code AwsServiceEvent}), {@code
     * eventCategory} and {@code managementEvent}, {@code recipientAccountId} (the identity's account), {@code
     * resources} ({@code ARN} holds the resource's name or id, {@code type} its type; the primary resource first, none repeated),
     * {@code tlsDetails.clientProvidedHostHeader} (the event source host) and {@code additionalEventData}, which also
     * holds, under {@code actionTrail}, what CloudTrail has no field for: this project's {@code eventVersion}, exact
     * {@code eventType}, {@code eventRW}, {@code eventSource}, {@code resourceType}, {@code resourceName}, {@code
     * roles}, {@code outcome} and {@code durationMs}. Not an AWS record: there are no ARNs and no AWS account ids.
     */
    public static EventFormat cloudTrail() {
        return CloudTrailFormat.INSTANCE;
    }

    /** Returns the names of the built-in formats, the default first. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * Returns the built-in format with the given name, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the known formats, if there is none of that name
     */
    public static EventFormat named(String name) {
        Objects.requireNonNull(name, "name");
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case ACTIONTRAIL -> actionTrail();
            case OCSF -> ocsf();
            case CLOUDEVENTS -> cloudEvents();
            case CLOUDEVENTS_BINARY -> cloudEventsBinary();
            case CLOUDTRAIL -> cloudTrail();
            default ->
                throw new IllegalArgumentException(
                        "unknown event format '" + name + "'; known formats: " + String.join(", ", NAMES));
        };
    }
}
