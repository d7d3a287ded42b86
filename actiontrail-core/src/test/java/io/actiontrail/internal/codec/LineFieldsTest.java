package io.actiontrail.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class LineFieldsTest {

    private static byte[] framed(String line) {
        return ("garbage before\n" + line + "\ngarbage after").getBytes(StandardCharsets.UTF_8);
    }

    private static int offset() {
        return "garbage before\n".length();
    }

    @Test
    void recordReadsTheIdAndTimeOfAnEncodedLineAndCopiesOnlyItsBytes() {
        AuditEvent event = EventCodecTest.fullEvent();
        String line = event.toJson();
        byte[] buf = framed(line);
        int length = line.getBytes(StandardCharsets.UTF_8).length;

        AuditRecord record = Objects.requireNonNull(LineFields.record(buf, offset(), length));

        assertThat(record.eventId()).isEqualTo(event.eventId());
        assertThat(record.eventTime()).isEqualTo(Instant.parse("2026-11-24T08:15:30.123Z"));
        assertThat(record.json()).isEqualTo(line);
        buf[offset() + 1] = 'X';
        assertThat(record.json()).as("the record owns a copy").isEqualTo(line);
    }

    @Test
    void recordAgreesWithTheFullParseWhateverTheOrderOfTheFields() {
        String line = "{\"requestParameters\":{\"eventId\":\"nested\"},\"tags\":[\"eventTime\"],"
                + "\"eventTime\":\"2026-12-01T10:00:00.000Z\",\"eventName\":\"X\",\"eventId\":\"e-1\"}";
        byte[] buf = line.getBytes(StandardCharsets.UTF_8);

        AuditRecord head = Objects.requireNonNull(LineFields.record(buf, 0, buf.length));
        AuditRecord full = LineFields.parse(buf, 0, buf.length).toRecord(buf, 0, buf.length);

        assertThat(head.eventId()).isEqualTo("e-1").isEqualTo(full.eventId());
        assertThat(head.eventTime()).isEqualTo(full.eventTime());
    }

    @Test
    void recordIsNullForALineWithoutIdOrTimeOrNotJson() {
        for (String line : new String[] {
            "{\"eventTime\":\"2026-12-01T10:00:00.000Z\",\"eventName\":\"X\"}",
            "{\"eventId\":\"e-1\",\"eventName\":\"X\"}",
            "{\"eventId\":\"e-1\",\"eventTime\":\"yesterday\"}",
            "[\"eventId\",\"e-1\"]",
            "not json at all",
            ""
        }) {
            byte[] buf = line.getBytes(StandardCharsets.UTF_8);
            assertThat(LineFields.record(buf, 0, buf.length)).as(line).isNull();
        }
    }

    @Test
    void ofEncodedChecksTheRange() {
        byte[] buf = new byte[8];
        Instant time = Instant.EPOCH;
        assertThatThrownBy(() -> AuditRecord.ofEncoded("e", time, buf, 4, 5))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> AuditRecord.ofEncoded("e", time, buf, -1, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(AuditRecord.ofEncoded("e", time, buf, 8, 0).json()).isEmpty();
    }

    @Test
    void readsTheUserAgentAndAnInsightsIdStateTypeAndObjectWithoutDecodingItsContext() {
        AuditEvent insight = AuditEvent.builder("ApiCallRateInsight")
                .eventType(io.actiontrail.EventType.INSIGHT)
                .userAgent("client/2.1")
                .sharedEventId("s-1")
                .insightDetails(java.util.Map.of(
                        "insightContext", java.util.Map.of("statistics", java.util.Map.of("state", "Nested")),
                        "state", "Start",
                        "insightType", "ApiCallRateInsight",
                        "insightObject", "CreateOrder/orders"))
                .build();
        byte[] line = insight.toJson().getBytes(StandardCharsets.UTF_8);

        LineFields f = LineFields.parse(line, 0, line.length);

        assertThat(f.userAgent).isEqualTo("client/2.1");
        assertThat(f.eventType).isEqualTo("ActionTrailInsight");
        assertThat(f.sharedEventId).isEqualTo("s-1");
        assertThat(f.insightState).isEqualTo("Start");
        assertThat(f.insightType).isEqualTo("ApiCallRateInsight");
        assertThat(f.insightObject).isEqualTo("CreateOrder/orders");
        assertThat(AuditEvent.fromJson(insight.toJson())).isEqualTo(insight);
    }
}
