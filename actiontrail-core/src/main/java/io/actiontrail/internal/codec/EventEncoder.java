package io.actiontrail.internal.codec;

import io.actiontrail.AuditEvent;
import io.actiontrail.UserIdentity;
import io.actiontrail.internal.InternalApi;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Encodes events under a size cap. An event over the cap is never dropped: its largest free-form objects are
 * replaced by a marker {@code {"truncated": true, "originalBytes": n, "preview": "…"}}, then over-long strings are
 * cut, until it fits. Immutable and thread-safe.
 */
@InternalApi
public final class EventEncoder {

    public static final int MIN_MAX_EVENT_BYTES = 4096;
    private static final int STRING_CAP = 1024;
    private static final int IDS_CAP = 100;

    private final int maxEventBytes;

    public EventEncoder(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** The event as encoded, possibly truncated, with its bytes. Handed from one thread to one other, never shared: thread-safety does not apply. */
    @SuppressWarnings("ArrayRecordComponent") // internal hand-over, never compared or exposed
    public record Encoded(AuditEvent event, byte[] json, boolean truncated) {}

    public Encoded encode(AuditEvent event) {
        byte[] json = EventCodec.encode(event);
        if (json.length <= maxEventBytes) {
            return new Encoded(event, json, false);
        }
        AuditEvent current = event;
        List<Part> parts = largestFirst(current);
        boolean stringsCut = false;
        if (!fitsWithSmallestMarkers(current, parts)) {
            // the envelope's strings are too long whatever happens to the parts: cut them first, sparing parts that fit
            current = capStrings(current, STRING_CAP);
            json = EventCodec.encode(current);
            if (json.length <= maxEventBytes) {
                return new Encoded(current, json, true);
            }
            stringsCut = true;
        }
        for (Part part : parts) {
            int otherBytes = json.length - part.bytes;
            int budget = maxEventBytes - otherBytes - 128;
            int previewChars = Math.max(0, budget / 3);
            while (true) {
                AuditEvent candidate = part.replace(current, marker(part.json, part.bytes, previewChars));
                byte[] candidateJson = EventCodec.encode(candidate);
                if (candidateJson.length <= maxEventBytes || previewChars == 0) {
                    current = candidate;
                    json = candidateJson;
                    break;
                }
                previewChars /= 2;
            }
            if (json.length <= maxEventBytes) {
                return new Encoded(current, json, true);
            }
        }
        if (!stringsCut) {
            current = capStrings(current, STRING_CAP);
            json = EventCodec.encode(current);
            if (json.length <= maxEventBytes) {
                return new Encoded(current, json, true);
            }
        }
        // cut from the original strings, so each suffix still counts what the event really lost
        current = minimal(event);
        return new Encoded(current, EventCodec.encode(current), true);
    }

    private boolean fitsWithSmallestMarkers(AuditEvent event, List<Part> parts) {
        AuditEvent smallest = event;
        for (Part part : parts) {
            smallest = part.replace(smallest, marker(part.json, part.bytes, 0));
        }
        return EventCodec.encode(smallest).length <= maxEventBytes;
    }

    private static Map<String, @Nullable Object> marker(String json, int originalBytes, int previewChars) {
        LinkedHashMap<String, @Nullable Object> marker = new LinkedHashMap<>();
        marker.put("truncated", true);
        marker.put("originalBytes", (long) originalBytes);
        if (previewChars > 0) {
            int end = Math.min(json.length(), previewChars);
            if (end > 0 && end < json.length() && Character.isHighSurrogate(json.charAt(end - 1))) {
                end--;
            }
            marker.put("preview", json.substring(0, end));
        }
        return JsonTree.adoptObject(marker);
    }

    private static List<Part> largestFirst(AuditEvent event) {
        List<Part> parts = new ArrayList<>(3);
        addPart(parts, 0, event.requestParameters());
        addPart(parts, 1, event.responseElements());
        addPart(parts, 2, event.additionalEventData());
        parts.sort((a, b) -> Integer.compare(b.bytes, a.bytes));
        return parts;
    }

    private static void addPart(List<Part> parts, int which, @Nullable Map<String, @Nullable Object> value) {
        if (value != null) {
            String json = EventCodec.encodeTree(value);
            parts.add(new Part(which, json, json.getBytes(StandardCharsets.UTF_8).length));
        }
    }

    private record Part(int which, String json, int bytes) {
        AuditEvent replace(AuditEvent event, Map<String, @Nullable Object> marker) {
            AuditEvent.Builder b = event.toBuilder();
            switch (which) {
                case 0 -> b.requestParameters(marker);
                case 1 -> b.responseElements(marker);
                default -> b.additionalEventData(marker);
            }
            return b.build();
        }
    }

    private static AuditEvent capStrings(AuditEvent e, int cap) {
        UserIdentity identity = e.userIdentity();
        if (identity != null) {
            identity = new UserIdentity(
                    identity.type(),
                    cutOrNull(identity.principalId(), cap),
                    cutOrNull(identity.userName(), cap),
                    cutOrNull(identity.accountId(), cap),
                    cutOrNull(identity.accessKeyId(), cap),
                    identity.sessionContext() == null
                            ? null
                            : new UserIdentity.SessionContext(
                                    identity.sessionContext().mfaAuthenticated(),
                                    identity.sessionContext().creationDate(),
                                    capList(identity.sessionContext().roles(), cap)));
        }
        Map<String, List<String>> referenced = null;
        if (e.referencedResources() != null) {
            LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
            int types = 0;
            for (Map.Entry<String, List<String>> r : e.referencedResources().entrySet()) {
                if (types++ == IDS_CAP) {
                    break;
                }
                copy.put(cut(r.getKey(), cap), capList(r.getValue(), cap));
            }
            referenced = copy;
        }
        return new AuditEvent(
                cut(e.eventVersion(), 16),
                cut(e.eventId(), 64),
                e.eventTime(),
                cut(e.eventName(), cap),
                e.eventType(),
                e.eventRW(),
                e.eventCategory(),
                cutOrNull(e.serviceName(), cap),
                cutOrNull(e.eventSource(), cap),
                cutOrNull(e.region(), cap),
                identity,
                cutOrNull(e.sourceIpAddress(), cap),
                cutOrNull(e.userAgent(), cap),
                cutOrNull(e.requestId(), cap),
                cutOrNull(e.resourceType(), cap),
                cutOrNull(e.resourceName(), cap),
                referenced,
                e.requestParameters(),
                e.responseElements(),
                e.outcome(),
                cutOrNull(e.errorCode(), cap),
                cutOrNull(e.errorMessage(), cap),
                e.durationMs(),
                e.additionalEventData(),
                cutOrNull(e.sharedEventId(), 64),
                e.insightDetails());
    }

    /**
     * Encodes the envelope of an event that {@link #encode} failed on, with the error in place of its free-form
     * objects, so that the event still takes its place in the journal.
     */
    public Encoded encodeEnvelope(AuditEvent event, Throwable error) {
        AuditEvent envelope = minimal(event, "event could not be encoded: " + error);
        return new Encoded(envelope, EventCodec.encode(envelope), false); // the caller reports the error itself
    }

    /** The last resort: the envelope only, so the event is still recorded and says it was cut. */
    private AuditEvent minimal(AuditEvent e) {
        return minimal(e, "event exceeded maxEventBytes=" + maxEventBytes + " after truncating its parts");
    }

    private static AuditEvent minimal(AuditEvent e, String reason) {
        LinkedHashMap<String, @Nullable Object> note = new LinkedHashMap<>();
        note.put("truncated", true);
        note.put("reason", cut(reason, 512));
        return new AuditEvent(
                cut(e.eventVersion(), 16),
                cut(e.eventId(), 64),
                e.eventTime(),
                cut(e.eventName(), 256),
                e.eventType(),
                e.eventRW(),
                e.eventCategory(),
                cutOrNull(e.serviceName(), 256),
                cutOrNull(e.eventSource(), 256),
                cutOrNull(e.region(), 64),
                e.userIdentity() == null ? null : capStrings(e, 256).userIdentity(),
                cutOrNull(e.sourceIpAddress(), 64),
                null,
                cutOrNull(e.requestId(), 256),
                cutOrNull(e.resourceType(), 256),
                cutOrNull(e.resourceName(), 256),
                null,
                null,
                null,
                e.outcome(),
                cutOrNull(e.errorCode(), 256),
                cutOrNull(e.errorMessage(), 256),
                e.durationMs(),
                JsonTree.adoptObject(note),
                cutOrNull(e.sharedEventId(), 64),
                e.insightDetails());
    }

    private static List<String> capList(List<String> values, int cap) {
        List<String> out = new ArrayList<>(Math.min(values.size(), IDS_CAP + 1));
        for (int i = 0; i < values.size() && i < IDS_CAP; i++) {
            out.add(cut(values.get(i), cap));
        }
        if (values.size() > IDS_CAP) {
            out.add("…<" + (values.size() - IDS_CAP) + " more>");
        }
        return out;
    }

    private static String cut(String value, int cap) {
        if (value.length() <= cap) {
            return value;
        }
        return value.substring(0, cap) + "…<+" + (value.length() - cap) + " chars>";
    }

    private static @Nullable String cutOrNull(@Nullable String value, int cap) {
        return value == null ? null : cut(value, cap);
    }
}
