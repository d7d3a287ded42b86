package io.actiontrail.sink.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/** The index template ActionTrail installs: which indices it covers and how each event field is mapped. Stateless. */
final class IndexTemplate {

    private static final String[] KEYWORDS = {
        "eventVersion",
        "eventId",
        "eventName",
        "eventType",
        "eventRW",
        "eventCategory",
        "serviceName",
        "eventSource",
        "region",
        "sourceIpAddress",
        "userAgent",
        "requestId",
        "resourceType",
        "resourceName",
        "outcome",
        "errorCode",
        "errorMessage",
        "sharedEventId"
    };
    private static final String[] IDENTITY_KEYWORDS = {"type", "principalId", "userName", "accountId", "accessKeyId"};

    /** Free-form objects: kept in {@code _source} and returned, never indexed, so they cannot conflict. */
    private static final String[] OPAQUE_OBJECTS = {"requestParameters", "responseElements", "additionalEventData"};

    /**
     * The template's version, stored in it: 2 added {@code sourceIpAddress.ip}, so that lookups can match networks.
     * Indices created under an earlier version lack that field and match no network.
     */
    static final int VERSION = 2;

    /** Keyword values longer than this are kept in the document but not indexed. */
    static final int IGNORE_ABOVE = 4096;

    private IndexTemplate() {}

    /** The body of {@code PUT _index_template/<name>} for indices {@code <index>-*}. */
    static ObjectNode body(String index, int shards, @Nullable Integer replicas) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putArray("index_patterns").add(index + "-*");
        root.put("priority", 100);
        root.put("version", VERSION);
        ObjectNode template = root.putObject("template");
        ObjectNode index_ = template.putObject("settings").putObject("index");
        index_.put("number_of_shards", shards);
        if (replicas != null) {
            index_.put("number_of_replicas", replicas);
        }
        ObjectNode mappings = template.putObject("mappings");
        ArrayNode dynamic = mappings.putArray("dynamic_templates");
        ObjectNode strings = dynamic.addObject().putObject("strings_as_keywords");
        strings.put("match_mapping_type", "string");
        keyword(strings.putObject("mapping"));
        ObjectNode properties = mappings.putObject("properties");
        for (String field : KEYWORDS) {
            keyword(properties.putObject(field));
        }
        // the address again as an ip, for network (CIDR) queries; a value that is no address is left out of it
        ((ObjectNode) properties.path("sourceIpAddress"))
                .putObject("fields")
                .putObject("ip")
                .put("type", "ip")
                .put("ignore_malformed", true);
        properties.putObject("eventTime").put("type", "date");
        properties.putObject("durationMs").put("type", "long");
        ObjectNode identity = properties.putObject("userIdentity").putObject("properties");
        for (String field : IDENTITY_KEYWORDS) {
            keyword(identity.putObject(field));
        }
        ObjectNode session = identity.putObject("sessionContext").putObject("properties");
        session.putObject("mfaAuthenticated").put("type", "boolean");
        session.putObject("creationDate").put("type", "date");
        keyword(session.putObject("roles"));
        for (String field : OPAQUE_OBJECTS) {
            properties.putObject(field).put("type", "object").put("enabled", false);
        }
        // an insight's state, type and object are searchable; its statistics and attributions are kept, not indexed
        ObjectNode insight = properties.putObject("insightDetails").putObject("properties");
        for (String field : new String[] {"state", "insightType", "insightObject"}) {
            keyword(insight.putObject(field));
        }
        insight.putObject("insightContext").put("type", "object").put("enabled", false);
        return root;
    }

    private static void keyword(ObjectNode mapping) {
        mapping.put("type", "keyword").put("ignore_above", IGNORE_ABOVE);
    }
}
