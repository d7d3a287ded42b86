package io.actiontrail;

import static io.actiontrail.CaptureTestSupport.requestParameters;
import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.CaptureTestSupport.Harness;
import io.actiontrail.internal.Failures;
import io.actiontrail.internal.codec.EventEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Events over the size cap are recorded, cut visibly, and still decode. */
class TruncationTest {

    private static final int DEFAULT_CAP = 256 * 1024;

    interface Uploader {
        @Audited(eventName = "Upload", resourceType = "Batch", resourceName = "#batchId")
        void upload(String batchId, List<String> lines);

        @Audited(eventName = "Fail")
        void fail(String reason);
    }

    static final class DefaultUploader implements Uploader {
        @Override
        public void upload(String batchId, List<String> lines) {}

        @Override
        public void fail(String reason) {
            throw new IllegalStateException(reason);
        }
    }

    /** Request parameters of {@code entries} strings of {@code length} characters each. */
    private static Map<String, Object> bigParameters(int entries, int length) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (int i = 0; i < entries; i++) {
            parameters.put("p" + i, Character.toString('a' + i % 26).repeat(length));
        }
        return parameters;
    }

    private static int utf8Length(String json) {
        return json.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Checks the recorded event is within the cap, on the wire and re-encoded, and decodes back to itself. */
    private static AuditEvent recordedWithin(Harness harness, int cap) {
        AuditEvent event = harness.onlyEvent();
        String line = harness.sink.lines().get(0);
        assertThat(utf8Length(line)).isLessThanOrEqualTo(cap);
        assertThat(utf8Length(event.toJson())).isLessThanOrEqualTo(cap);
        assertThat(AuditEvent.fromJson(line)).isEqualTo(event);
        assertThat(line).as("valid UTF-8").doesNotContain("\uFFFD");
        assertThat(harness.actionTrail.captureStats().recorded()).isEqualTo(1);
        assertThat(harness.actionTrail.captureStats().droppedTotal()).isZero();
        return event;
    }

    private static void assertTruncationMarker(@Nullable Map<String, @Nullable Object> part, int cap) {
        assertThat(part).isNotNull().containsEntry("truncated", true).containsKey("originalBytes");
        assertThat((Long) Objects.requireNonNull(part).get("originalBytes")).isGreaterThan((long) cap);
    }

    @Test
    void requestParametersOverTheDefaultCapAreTruncatedNotDropped() {
        try (Harness harness = Harness.create()) {
            harness.record(AuditEvent.builder("Import")
                    .resource("Dataset", "ds-1")
                    .requestParameters(bigParameters(100, 8000))
                    .build());

            AuditEvent event = recordedWithin(harness, DEFAULT_CAP);
            assertTruncationMarker(event.requestParameters(), DEFAULT_CAP);
            assertThat((String) requestParameters(event).get("preview")).startsWith("{\"p0\":\"aaaa");
            assertThat(event.eventName()).isEqualTo("Import");
            assertThat(event.resourceName()).isEqualTo("ds-1");
            assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        }
    }

    @Test
    void requestParametersOverAConfiguredCapAreTruncatedNotDropped() {
        try (Harness harness = Harness.create(b -> b.maxEventBytes(8192))) {
            harness.record(AuditEvent.builder("Import")
                    .requestParameters(bigParameters(20, 1000))
                    .build());

            AuditEvent event = recordedWithin(harness, 8192);
            assertTruncationMarker(event.requestParameters(), 8192);
        }
    }

    @Test
    void hugeArgumentsOfAnAuditedCallAreTruncatedNotDropped() {
        try (Harness harness = Harness.create()) {
            Uploader uploader = harness.proxy(Uploader.class, new DefaultUploader());

            // 256 strings of 8,192 characters: the most the snapshotter keeps, about 2 MiB of JSON
            uploader.upload("b-7", Collections.nCopies(5000, "x".repeat(10_000)));

            AuditEvent event = recordedWithin(harness, DEFAULT_CAP);
            assertTruncationMarker(event.requestParameters(), DEFAULT_CAP);
            assertThat(event.eventName()).isEqualTo("Upload");
            assertThat(event.resourceName()).isEqualTo("b-7");
            assertThat(event.durationMs()).isNotNull();
        }
    }

    @Test
    void everyOversizedPartIsTruncatedUntilTheEventFits() {
        try (Harness harness = Harness.create()) {
            harness.record(AuditEvent.builder("Sync")
                    .requestParameters(bigParameters(25, 8000))
                    .responseElements(bigParameters(25, 8000))
                    .additionalEventData(bigParameters(25, 8000))
                    .build());

            AuditEvent event = recordedWithin(harness, DEFAULT_CAP);
            assertThat(List.of(event.requestParameters(), event.responseElements(), event.additionalEventData()))
                    .filteredOn(part -> part != null && Boolean.TRUE.equals(part.get("truncated")))
                    .hasSizeGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void multiByteTextIsTruncatedIntoValidUtf8() {
        try (Harness harness = Harness.create(b -> b.maxEventBytes(8192))) {
            Map<String, Object> parameters = new LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                parameters.put("text" + i, "审计日志😀".repeat(500));
            }
            harness.record(AuditEvent.builder("Translate")
                    .requestParameters(parameters)
                    .build());

            AuditEvent event = recordedWithin(harness, 8192);
            assertTruncationMarker(event.requestParameters(), 8192);
            String preview =
                    (String) Objects.requireNonNull(requestParameters(event).get("preview"));
            assertThat(preview).startsWith("{\"text0\":\"审计日志");
            assertThat(Character.isHighSurrogate(preview.charAt(preview.length() - 1)))
                    .as("no half of a surrogate pair at the cut")
                    .isFalse();
        }
    }

    @Test
    void giantErrorMessageIsCut() {
        try (Harness harness = Harness.create()) {
            harness.record(AuditEvent.builder("Charge")
                    .requestParameter("orderId", "o-1")
                    .errorCode("GatewayError")
                    .errorMessage("e".repeat(1_000_000))
                    .build());

            AuditEvent event = recordedWithin(harness, DEFAULT_CAP);
            // the envelope's strings keep 1,024 characters each
            assertThat(event.errorMessage()).isEqualTo("e".repeat(1024) + "…<+" + (1_000_000 - 1024) + " chars>");
            assertThat(event.errorCode()).isEqualTo("GatewayError");
            assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(requestParameters(event))
                    .as("the small parameters are kept")
                    .containsEntry("orderId", "o-1");
        }
    }

    @Test
    void giantErrorMessageAndHugeParametersAreBothCut() {
        try (Harness harness = Harness.create()) {
            harness.record(AuditEvent.builder("Charge")
                    .requestParameters(bigParameters(100, 8000))
                    .errorCode("GatewayError")
                    .errorMessage("e".repeat(1_000_000))
                    .build());

            AuditEvent event = recordedWithin(harness, DEFAULT_CAP);
            assertTruncationMarker(event.requestParameters(), DEFAULT_CAP);
            assertThat(event.errorMessage()).startsWith("eeee").endsWith("…<+" + (1_000_000 - 1024) + " chars>");
        }
    }

    @Test
    void giantResourceNameIsCut() {
        try (Harness harness = Harness.create(b -> b.maxEventBytes(8192))) {
            harness.record(AuditEvent.builder("Touch")
                    .resource("File", "/data/" + "d".repeat(100_000))
                    .requestParameter("mode", "rw")
                    .build());

            AuditEvent event = recordedWithin(harness, 8192);
            assertThat(event.resourceName()).startsWith("/data/ddd").endsWith("…<+" + (100_006 - 1024) + " chars>");
            assertThat(event.resourceType()).isEqualTo("File");
            assertThat(requestParameters(event)).isEqualTo(Map.of("mode", "rw"));
        }
    }

    @Test
    void giantExceptionMessageOfAnAuditedCallIsCut() {
        try (Harness harness = Harness.create()) {
            Uploader uploader = harness.proxy(Uploader.class, new DefaultUploader());

            try {
                uploader.fail("r".repeat(1_000_000));
            } catch (IllegalStateException expected) {
                // the caller's exception; the event is what is under test
            }

            AuditEvent event = recordedWithin(harness, DEFAULT_CAP);
            assertThat(event.errorCode()).isEqualTo("IllegalStateException");
            assertThat(event.errorMessage())
                    .startsWith("rrrr")
                    .endsWith("…<+" + (1_000_000 - Failures.MAX_MESSAGE_LENGTH) + " chars>");
        }
    }

    @Test
    void eventThatStillDoesNotFitKeepsItsEnvelopeAndSaysItWasCut() {
        try (Harness harness = Harness.create(b -> b.maxEventBytes(8192))) {
            Map<String, List<String>> resources = new LinkedHashMap<>();
            for (int type = 0; type < 50; type++) {
                List<String> ids = new ArrayList<>();
                for (int id = 0; id < 50; id++) {
                    ids.add("resource-" + type + "-" + id);
                }
                resources.put("Type" + type, ids);
            }
            harness.record(AuditEvent.builder("BulkTag")
                    .resource("Tag", "t-1")
                    .referencedResources(resources)
                    .requestParameter("tag", "t-1")
                    .build());

            AuditEvent event = recordedWithin(harness, 8192);
            assertThat(event.eventName()).isEqualTo("BulkTag");
            assertThat(event.resourceName()).isEqualTo("t-1");
            assertThat(event.additionalEventData())
                    .containsEntry("truncated", true)
                    .containsKey("reason");
        }
    }

    @Test
    void eventWithinTheCapIsNotMarkedTruncated() {
        try (Harness harness = Harness.create(b -> b.maxEventBytes(8192))) {
            Map<String, Object> parameters = bigParameters(3, 1000);
            harness.record(
                    AuditEvent.builder("Small").requestParameters(parameters).build());

            AuditEvent event = recordedWithin(harness, 8192);
            assertThat(requestParameters(event)).isEqualTo(parameters).doesNotContainKey("truncated");
        }
    }

    @Test
    void encoderMarksOnlyEventsItHadToCut() {
        EventEncoder encoder = new EventEncoder(EventEncoder.MIN_MAX_EVENT_BYTES);
        AuditEvent small = AuditEvent.builder("Small").requestParameter("id", 1).build();
        AuditEvent big = AuditEvent.builder("Big")
                .requestParameters(bigParameters(10, 1000))
                .build();

        EventEncoder.Encoded unchanged = encoder.encode(small);
        EventEncoder.Encoded cut = encoder.encode(big);

        assertThat(unchanged.truncated()).isFalse();
        assertThat(unchanged.event()).isSameAs(small);
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.json().length).isLessThanOrEqualTo(EventEncoder.MIN_MAX_EVENT_BYTES);
        assertThat(AuditEvent.fromJson(new String(cut.json(), StandardCharsets.UTF_8)))
                .isEqualTo(cut.event());
        assertThat(cut.event().eventId()).isEqualTo(big.eventId());
    }
}
