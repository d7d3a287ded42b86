package io.actiontrail.format;

import io.actiontrail.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudEvents 1.0: in structured mode the JSON event format ({@code application/cloudevents+json}) with the
 * ActionTrail JSON object as {@code data}; in binary mode the ActionTrail JSON object as the body and the context
 * attributes as {@code ce_}/{@code ce-} headers. Immutable and thread-safe.
 *
 * <p>Context attributes: {@code id} the event id; {@code source} {@code /} and the percent-encoded service name
 * ({@code /actiontrail} without one); {@code type} {@value #TYPE}; {@code time} the event time; {@code subject} the
 * primary resource as {@code type/name}, or its name; {@code datacontenttype} {@code application/json}.
 */
final class CloudEventsFormat implements EventFormat {

    /** The CloudEvents {@code type} of every audit event. */
    static final String TYPE = "io.actiontrail.audit.v1";

    static final String SPEC_VERSION = "1.0";

    static final String DATA_CONTENT_TYPE = "application/json";

    static final CloudEventsFormat STRUCTURED = new CloudEventsFormat(false);

    static final CloudEventsFormat BINARY = new CloudEventsFormat(true);

    private final boolean binary;

    private CloudEventsFormat(boolean binary) {
        this.binary = binary;
    }

    @Override
    public String name() {
        return binary ? EventFormats.CLOUDEVENTS_BINARY : EventFormats.CLOUDEVENTS;
    }

    @Override
    public String contentType() {
        return binary ? DATA_CONTENT_TYPE : "application/cloudevents+json";
    }

    @Override
    public String batchContentType() {
        return binary ? DATA_CONTENT_TYPE : "application/cloudevents-batch+json";
    }

    @Override
    public boolean isBinary() {
        return binary;
    }

    @Override
    public byte[] encode(AuditEvent event) {
        if (binary) {
            return event.toJson().getBytes(StandardCharsets.UTF_8);
        }
        return Json.write(w -> {
            w.startObject();
            for (Map.Entry<String, String> attribute : attributes(event).entrySet()) {
                w.string(attribute.getKey(), attribute.getValue());
            }
            w.string("datacontenttype", DATA_CONTENT_TYPE);
            w.raw("data", event.toJson());
            w.endObject();
        });
    }

    @Override
    public Map<String, String> headers(AuditEvent event, Binding binding) {
        if (!binary) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        attributes(event).forEach((name, value) -> {
            if (binding == Binding.KAFKA) {
                headers.put("ce_" + name, value);
            } else {
                headers.put("ce-" + name, percentEncoded(value));
            }
        });
        return java.util.Collections.unmodifiableMap(headers);
    }

    /** The context attributes but {@code datacontenttype}, in a stable order. */
    static Map<String, String> attributes(AuditEvent event) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", SPEC_VERSION);
        attributes.put("id", event.eventId());
        attributes.put("source", source(event));
        attributes.put("type", TYPE);
        attributes.put("time", Json.time(event.eventTime()));
        String subject = subject(event);
        if (subject != null) {
            attributes.put("subject", subject);
        }
        return attributes;
    }

    private static String source(AuditEvent event) {
        String service = event.serviceName();
        if (service == null || service.isEmpty()) {
            return "/actiontrail";
        }
        return "/" + uriEncoded(service);
    }

    private static @org.jspecify.annotations.Nullable String subject(AuditEvent event) {
        String type = event.resourceType();
        String name = event.resourceName();
        if (name == null) {
            return null;
        }
        return type == null ? name : type + "/" + name;
    }

    /** Percent-encodes every byte but RFC 3986's unreserved characters, so the text is a path segment. */
    static String uriEncoded(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                appendEscaped(out, c);
            }
        }
        return out.toString();
    }

    /**
     * Encodes a header value as the CloudEvents HTTP binding requires: space, double quote, percent and everything
     * outside printable ASCII become percent-encoded UTF-8.
     */
    static String percentEncoded(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '"' && c != '%') {
                out.append((char) c);
            } else {
                appendEscaped(out, c);
            }
        }
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, int c) {
        out.append('%')
                .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
    }

    @Override
    public String toString() {
        return "EventFormat{" + name() + '}';
    }
}
