package io.actiontrail.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.LookupQuery;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index file of a segment: what is written is read back, and damage is always noticed. */
class SegmentIndexTest {

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-01T00:00:00Z"), ZoneOffset.UTC);

    /** Writes the lines into a new segment and returns it, its size and end set as the writer would. */
    private Segment segment(List<String> lines) throws IOException {
        Segment segment = Segment.create(dir, clock, 100);
        StringBuilder all = new StringBuilder();
        for (String line : lines) {
            all.append(line).append('\n');
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(segment.path, bytes, StandardOpenOption.APPEND);
        long offset = 0;
        for (int i = 0; i < lines.size(); i++) {
            segment.indexLine(100 + i, offset, clock.millis() + i);
            offset += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        segment.written(bytes.length, 100 + lines.size());
        return segment;
    }

    private static String line(int i) {
        return AuditEvent.builder("Event" + (i % 7))
                .eventTime(Instant.parse("2026-11-01T00:00:00Z").plusSeconds(i))
                .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                        .userName("user-" + (i % 40))
                        .build())
                .resource("Order", "o-" + i)
                .outcome(i % 5 == 0 ? Outcome.FAILURE : i % 5 == 1 ? Outcome.DENIED : Outcome.SUCCESS)
                .errorCode(i % 5 < 2 ? "E" : null)
                .build()
                .toJson();
    }

    private static IndexBuilder built(Segment segment) throws IOException {
        IndexBuilder builder = new IndexBuilder(segment);
        assertThat(builder.catchUp(() -> false)).isTrue();
        return builder;
    }

    private static List<Integer> lines(IndexView view, Condition condition) {
        BitSet set = Objects.requireNonNull(
                QueryIndex.matching(view, LookupQuery.builder().where(condition).build()));
        List<Integer> out = new ArrayList<>();
        set.stream().forEach(out::add);
        return out;
    }

    @Test
    void readsBackTimesOutcomesAndEveryValueExactlyOrByPrefix() throws IOException {
        List<String> text = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            text.add(line(i));
        }
        text.add("not an event");
        Segment segment = segment(text);
        IndexBuilder builder = built(segment);
        SegmentIndex index = Objects.requireNonNull(SegmentIndex.check(ByteBuffer.wrap(builder.encode()), segment));
        for (IndexView view : List.of(builder, index)) {
            assertThat(view.lines()).isEqualTo(301);
            assertThat(view.exact()).isTrue();
            assertThat(view.times()[7])
                    .isEqualTo(Instant.parse("2026-11-01T00:00:07Z").toEpochMilli());
            assertThat(view.outcomes()[0]).isEqualTo(IndexView.FAILURE);
            assertThat(view.outcomes()[1]).isEqualTo(IndexView.DENIED);
            assertThat(view.outcomes()[2]).isEqualTo(IndexView.OTHER);
            assertThat(view.outcomes()[300]).isEqualTo(IndexView.INVALID);
            assertThat(lines(view, Condition.is(Attribute.RESOURCE, "Order/o-123")))
                    .containsExactly(123);
            assertThat(lines(view, Condition.is(Attribute.RESOURCE_NAME, "o-299")))
                    .containsExactly(299);
            assertThat(lines(view, Condition.is(Attribute.RESOURCE_NAME, "o-300")))
                    .isEmpty();
            assertThat(lines(view, Condition.startsWith(Attribute.RESOURCE_NAME, "o-29")))
                    .containsExactly(29, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299);
            assertThat(lines(view, Condition.is(Attribute.USER_NAME, "user-3")))
                    .containsExactly(3, 43, 83, 123, 163, 203, 243, 283);
            assertThat(lines(view, Condition.is(Attribute.ERROR_CODE, "E"))).hasSize(120);
            assertThat(lines(view, Condition.is(Attribute.EVENT_NAME, "Event0").negate()))
                    .hasSize(301 - 43)
                    .contains(300); // not an event: only the lookup's check of each line leaves it out
            assertThat(lines(view, Condition.inNetwork("10.0.0.0/8"))).isEmpty();
        }
    }

    @Test
    void aValueWithAnUnpairedSurrogateMakesTheIndexGiveCandidatesOnly() throws IOException {
        Segment segment = segment(List.of(
                AuditEvent.builder("Odd").resource("Order", "o-\uD800").build().toJson()));
        IndexBuilder builder = built(segment);
        SegmentIndex index = Objects.requireNonNull(SegmentIndex.check(ByteBuffer.wrap(builder.encode()), segment));
        assertThat(index.exact()).isFalse();
        assertThat(QueryIndex.matching(index, LookupQuery.builder().build())).isNull();
    }

    @Test
    void anyDamageOrAMismatchWithTheSegmentIsNoticed() throws IOException {
        List<String> text = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            text.add(line(i));
        }
        Segment segment = segment(text);
        byte[] bytes = built(segment).encode();
        Random random = new Random(1);
        for (int k = 0; k < 200; k++) {
            byte[] damaged = bytes.clone();
            damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
            assertThat(SegmentIndex.check(ByteBuffer.wrap(damaged), segment)).isNull();
            byte[] cut = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            assertThat(SegmentIndex.check(ByteBuffer.wrap(cut), segment)).isNull();
        }
        segment.written(segment.size() + 1, segment.endSeq());
        assertThat(SegmentIndex.check(ByteBuffer.wrap(bytes), segment)).isNull();
    }
}
