package io.actiontrail.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.Response;

/** JSON helpers shared by the sink and the store. Stateless; the mapper is thread-safe. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final MediaType JSON = MediaType.get("application/json");
    static final MediaType NDJSON = MediaType.get("application/x-ndjson");
    private static final int MAX_MESSAGE_CHARS = 300;

    private Json() {}

    /** Parses a response body; a body that is not JSON becomes a missing node. */
    static JsonNode body(Response response) {
        try {
            String text = response.body().string();
            return text.isBlank() ? MissingNode.getInstance() : MAPPER.readTree(text);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** The {@code error.type} of an error answer, or the HTTP status when there is none. */
    static String errorType(JsonNode body, int status) {
        JsonNode error = body.path("error");
        String type = error.isTextual() ? "" : error.path("type").asText("");
        return type.isEmpty() ? Integer.toString(status) : type;
    }

    /** The {@code error.reason} of an error answer, shortened, or the start of the body. */
    static String errorReason(JsonNode body) {
        JsonNode error = body.path("error");
        String reason =
                error.isTextual() ? error.asText() : error.path("reason").asText("");
        if (reason.isEmpty() && !body.isMissingNode()) {
            reason = body.toString();
        }
        reason = reason.replaceAll("\\s+", " ").strip();
        return reason.length() > MAX_MESSAGE_CHARS ? reason.substring(0, MAX_MESSAGE_CHARS) + "…" : reason;
    }
}
