package io.actiontrail.sink.sls;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * An error answer of Log Service: {@code {"errorCode": "...", "errorMessage": "..."}} and the {@code x-log-requestid}
 * header. The message is cut short, kept on one line, and cleared of the secret and token that signed the request, in
 * case a proxy or the service ever echoes them.
 *
 * @param code the service's error code, or the HTTP status when the answer has none
 * @param message the service's error message, or the start of the answer
 * @param requestId the request id, when the service gave one
 */
record ServiceError(String code, String message, @Nullable String requestId) {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_MESSAGE_CHARS = 300;
    private static final long MAX_BODY_BYTES = 16 * 1024;

    /** Reads the error of an answer that is not 2xx. */
    static ServiceError of(int status, Response response, SlsCredentials signer) {
        String body;
        try {
            body = response.peekBody(MAX_BODY_BYTES).string();
        } catch (IOException e) {
            body = "";
        }
        String code = null;
        String message = null;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.VALUE_STRING && field.equals("errorCode")) {
                        code = parser.getText();
                    } else if (value == JsonToken.VALUE_STRING && field.equals("errorMessage")) {
                        message = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            // not JSON: a proxy's page, for example; the start of the body is the message
        }
        String text = message != null ? message : body;
        return new ServiceError(
                code == null || code.isBlank() ? Integer.toString(status) : code.strip(),
                clean(text, signer),
                response.header(SlsAuditSink.HEADER_REQUEST_ID));
    }

    private static String clean(String text, SlsCredentials signer) {
        String clean = text.replace(signer.accessKeySecret(), "****");
        String token = signer.securityToken();
        if (token != null) {
            clean = clean.replace(token, "****");
        }
        clean = clean.replaceAll("\\s+", " ").strip();
        return clean.length() > MAX_MESSAGE_CHARS ? clean.substring(0, MAX_MESSAGE_CHARS) + "…" : clean;
    }

    /** The code, the message and the request id, as a message says them. */
    @Override
    public String toString() {
        return code
                + (message.isEmpty() ? "" : ": " + message)
                + (requestId == null ? "" : " (request id " + requestId + ")");
    }
}
