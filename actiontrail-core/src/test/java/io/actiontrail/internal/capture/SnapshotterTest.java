package io.actiontrail.internal.capture;

import static io.actiontrail.CaptureTestSupport.asArray;
import static io.actiontrail.CaptureTestSupport.asObject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.actiontrail.EventRW;
import io.actiontrail.internal.codec.Redaction;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.CharBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Unit tests of the snapshotter: how arbitrary objects become immutable JSON trees. */
class SnapshotterTest {

    private final Snapshotter snapshotter = Snapshotter.defaults();

    private static Snapshotter limited(int maxDepth, int maxStringLength, int maxElements, int maxNodes) {
        return new Snapshotter(Redaction.defaults(), maxDepth, maxStringLength, maxElements, maxNodes);
    }

    @Test
    void aCycleThirtyContainersDeepIsFoundAndASharedObjectIsNotACycle() {
        Map<String, Object> root = new java.util.LinkedHashMap<>();
        Map<String, Object> node = root;
        for (int i = 0; i < 30; i++) {
            Map<String, Object> child = new java.util.LinkedHashMap<>();
            node.put("child", child);
            node = child;
        }
        List<String> shared = List.of("x");
        node.put("back", root);
        node.put("a", shared);
        node.put("b", shared);

        Object tree = limited(40, 8192, 256, 10_000).snapshot(root);
        for (int i = 0; i < 30; i++) {
            tree = asObject(tree).get("child");
        }
        assertThat(asObject(tree)).containsEntry("back", Snapshotter.CYCLE);
        assertThat(asObject(tree).get("a")).isEqualTo(List.of("x"));
        assertThat(asObject(tree).get("b")).isEqualTo(List.of("x"));
    }

    // --- scalars ---

    @Test
    void integralNumbersBecomeLongs() {
        assertThat(snapshotter.snapshot(7)).isEqualTo(7L);
        assertThat(snapshotter.snapshot((short) 3)).isEqualTo(3L);
        assertThat(snapshotter.snapshot((byte) 1)).isEqualTo(1L);
        assertThat(snapshotter.snapshot(new AtomicLong(42))).isEqualTo(42L);
        assertThat(snapshotter.snapshot(BigInteger.TEN)).isEqualTo(10L);
    }

    @Test
    void numbersThatDoNotFitAJsonNumberBecomeExactStrings() {
        assertThat(snapshotter.snapshot(BigInteger.TWO.pow(80))).isEqualTo("1208925819614629174706176");
        assertThat(snapshotter.snapshot(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(snapshotter.snapshot(new BigDecimal("0.10"))).isEqualTo("0.10");
        assertThat(snapshotter.snapshot(Double.NaN)).isEqualTo("NaN");
        assertThat(snapshotter.snapshot(Float.POSITIVE_INFINITY)).isEqualTo("Infinity");
    }

    @Test
    void floatingPointNumbersBecomeDoubles() {
        assertThat(snapshotter.snapshot(1.5)).isEqualTo(1.5);
        assertThat(snapshotter.snapshot(0.25f)).isEqualTo(0.25);
    }

    @Test
    void enumsBecomeTheirNames() {
        assertThat(snapshotter.snapshot(EventRW.READ)).isEqualTo("READ");
    }

    @Test
    void timesAndIdentifiersBecomeTheirCanonicalText() throws UnknownHostException {
        UUID id = UUID.fromString("0190b2a4-7c1e-7d3a-9f00-123456789abc");

        assertThat(snapshotter.snapshot(Instant.parse("2025-01-02T03:04:05.678Z")))
                .isEqualTo("2025-01-02T03:04:05.678Z");
        assertThat(snapshotter.snapshot(Date.from(Instant.parse("2025-01-02T03:04:05Z"))))
                .isEqualTo("2025-01-02T03:04:05Z");
        assertThat(snapshotter.snapshot(LocalDate.of(2025, 1, 2))).isEqualTo("2025-01-02");
        assertThat(snapshotter.snapshot(Duration.ofSeconds(90))).isEqualTo("PT1M30S");
        assertThat(snapshotter.snapshot(id)).isEqualTo("0190b2a4-7c1e-7d3a-9f00-123456789abc");
        assertThat(snapshotter.snapshot(URI.create("https://example.com/a"))).isEqualTo("https://example.com/a");
        assertThat(snapshotter.snapshot(Path.of("audit", "data")))
                .isEqualTo(Path.of("audit", "data").toString());
        assertThat(snapshotter.snapshot(Locale.CANADA_FRENCH)).isEqualTo("fr_CA");
        assertThat(snapshotter.snapshot(InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 7})))
                .isEqualTo("203.0.113.7");
        assertThat(snapshotter.snapshot(String.class)).isEqualTo("java.lang.String");
    }

    @Test
    void characterSequencesBecomeStrings() {
        assertThat(snapshotter.snapshot(CharBuffer.wrap("built"))).isEqualTo("built");
        assertThat(snapshotter.snapshot('c')).isEqualTo("c");
    }

    // --- containers ---

    @Test
    void collectionsBecomeArraysInIterationOrder() {
        Set<String> set = new LinkedHashSet<>(List.of("b", "a"));

        assertThat(snapshotter.snapshot(set)).isEqualTo(List.of("b", "a"));
        assertThat(snapshotter.snapshot(new int[] {1, 2})).isEqualTo(List.of(1L, 2L));
        assertThat(snapshotter.snapshot(new String[] {"x"})).isEqualTo(List.of("x"));
    }

    @Test
    void mapKeysBecomeStrings() {
        Map<EventRW, Integer> byEnum = new EnumMap<>(EventRW.class);
        byEnum.put(EventRW.WRITE, 1);
        Map<Integer, String> byNumber = Map.of(7, "seven");

        assertThat(snapshotter.snapshot(byEnum)).isEqualTo(Map.of("WRITE", 1L));
        assertThat(snapshotter.snapshot(byNumber)).isEqualTo(Map.of("7", "seven"));
    }

    @Test
    void snapshotsAreImmutable() {
        Map<String, @Nullable Object> tree = asObject(snapshotter.snapshot(Map.of("list", List.of(1))));

        assertThatThrownBy(() -> tree.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> asArray(tree.get("list")).add(2)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void snapshotDoesNotFollowLaterChangesOfTheArgument() {
        List<String> items = new ArrayList<>(List.of("a"));

        Object snapshot = snapshotter.snapshot(items);
        items.add("b");

        assertThat(snapshot).isEqualTo(List.of("a"));
    }

    @Test
    void jsonNodesBecomeTreesWithSecretsRedacted() throws Exception {
        JsonNode node = JsonMapper.builder()
                .build()
                .readTree("{\"id\":1,\"ratio\":0.5,\"ok\":true,\"none\":null,\"tags\":[\"a\"],\"password\":\"p\"}");

        Map<String, @Nullable Object> tree = asObject(snapshotter.snapshot(node));

        assertThat(tree)
                .containsEntry("id", 1L)
                .containsEntry("ratio", 0.5)
                .containsEntry("ok", true)
                .containsEntry("none", null)
                .containsEntry("tags", List.of("a"))
                .containsEntry("password", "<redacted>");
    }

    // --- beans and records ---

    @Test
    void recordsBecomeObjectsOfTheirComponents() {
        assertThat(snapshotter.snapshot(new Line("sku-1", 2))).isEqualTo(Map.of("sku", "sku-1", "quantity", 2L));
    }

    @Test
    void beansBecomeObjectsHonouringJacksonAnnotations() {
        Map<String, @Nullable Object> tree = asObject(snapshotter.snapshot(new Customer()));

        assertThat(tree)
                .containsEntry("name", "Alice")
                .containsEntry("customer_tier", "gold")
                .doesNotContainKey("internalScore")
                .doesNotContainKey("tier");
    }

    @Test
    void optionalPropertiesAreUnwrapped() {
        assertThat(snapshotter.snapshot(new WithOptional())).isEqualTo(Map.of("nickname", "Al"));
    }

    @Test
    void objectWithoutPropertiesOrToStringIsRecordedByType() {
        assertThat(snapshotter.snapshot(new NoProperties())).isEqualTo("<" + NoProperties.class.getName() + ">");
    }

    @Test
    void objectWithoutPropertiesIsRecordedByItsToString() {
        assertThat(snapshotter.snapshot(new Printable())).isEqualTo("printable #1");
    }

    @Test
    void toStringThatOverflowsTheStackIsRecordedAsAPlaceholder() {
        assertThat(snapshotter.snapshot(new Recursive())).isEqualTo("<toString() overflowed the stack>");
    }

    @Test
    void iterableThatIsNotACollectionIsNotIterated() {
        Iterable<String> endless = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                return "again";
            }
        };

        assertThat((String) snapshotter.snapshot(endless)).startsWith("<").endsWith(">");
    }

    @Test
    void throwableWhoseMessageThrowsIsRecordedWithAPlaceholder() {
        assertThat(snapshotter.snapshot(new BrokenMessage()))
                .isEqualTo("BrokenMessage: <getMessage() threw IllegalStateException>");
    }

    // --- limits ---

    @Test
    void configuredStringLimitCutsLongStrings() {
        assertThat(limited(12, 16, 256, 10_000).snapshot("x".repeat(20))).isEqualTo("x".repeat(16) + "…<+4 chars>");
    }

    @Test
    void configuredElementLimitCapsCollectionsArraysAndMaps() {
        Snapshotter two = limited(12, 8192, 2, 10_000);
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put("a", 1);
        map.put("b", 2);
        map.put("c", 3);

        assertThat(two.snapshot(List.of(1, 2, 3, 4))).isEqualTo(List.of(1L, 2L, "<2 more elements>"));
        assertThat(two.snapshot(new String[] {"a", "b", "c"})).isEqualTo(List.of("a", "b", "<1 more elements>"));
        assertThat(asObject(two.snapshot(map)))
                .containsExactly(Map.entry("a", 1L), Map.entry("b", 2L), Map.entry("…", "<1 more entries>"));
    }

    @Test
    void configuredDepthLimitStopsNesting() {
        assertThat(limited(1, 8192, 256, 10_000).snapshot(Map.of("outer", Map.of("inner", 1))))
                .isEqualTo(Map.of("outer", "<depth limit>"));
    }

    @Test
    void nodeLimitStopsAWalkOfAHugeGraph() {
        Snapshotter small = limited(12, 8192, 256, 5);

        List<@Nullable Object> tree = asArray(small.snapshot(List.of(1, 2, 3, 4, 5, 6, 7, 8)));

        assertThat(tree).contains("<size limit>");
        assertThat(tree.get(tree.size() - 1)).asString().endsWith("more elements>");
        assertThat(tree.size()).isLessThan(8);
    }

    // --- redaction ---

    @Test
    void namedValueIsRedactedWhenTheNameLooksSecret() {
        assertThat(snapshotter.snapshotNamed("dbPassword", Map.of("anything", 1)))
                .isEqualTo("<redacted>");
        assertThat(snapshotter.snapshotNamed("orderId", "o-1")).isEqualTo("o-1");
    }

    @Test
    void redactTreeReturnsTheSameTreeWhenNothingIsSecret() {
        Map<String, @Nullable Object> tree = asObject(snapshotter.snapshot(Map.of("a", List.of(Map.of("b", 1)))));

        assertThat(snapshotter.redactTree(tree)).isSameAs(tree);
    }

    @Test
    void redactTreeRedactsSecretsInsideListsAndKeepsOrder() {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("first", 1);
        input.put("users", List.of(Map.of("name", "a"), Map.of("name", "b")));
        input.put("last", 2);
        Map<String, @Nullable Object> tree =
                asObject(new Snapshotter(Redaction.of(Set.of()), 12, 8192, 256, 10_000).snapshot(input));
        Snapshotter byName = new Snapshotter(Redaction.of(Set.of("name")), 12, 8192, 256, 10_000);

        Map<String, @Nullable Object> redacted = byName.redactTree(tree);

        assertThat(redacted.keySet()).containsExactly("first", "users", "last");
        assertThat(redacted.get("users"))
                .isEqualTo(List.of(Map.of("name", "<redacted>"), Map.of("name", "<redacted>")));
        assertThat(tree.get("users")).as("the input tree is unchanged").isEqualTo(input.get("users"));
    }

    @Test
    void redactionMatchesCaseInsensitivelyIgnoringSeparatorsAnywhereInTheKey() {
        Redaction redaction = Redaction.defaults();

        assertThat(List.of("PASSWORD", "new_password", "X-Api-Key", "api-key", "Set-Cookie", "refreshToken"))
                .allMatch(redaction::isSecretKey);
        assertThat(List.of("user", "passage", "keyboard", "id")).noneMatch(redaction::isSecretKey);
    }

    @Test
    void emptyRedactionRedactsNothing() {
        assertThat(Redaction.of(Set.of()).isSecretKey("password")).isFalse();
        assertThat(Redaction.of(Set.of("--")).isSecretKey("password")).isFalse();
    }

    // --- fixtures ---

    record Line(String sku, int quantity) {}

    static final class Customer {
        public String getName() {
            return "Alice";
        }

        @JsonIgnore
        public int getInternalScore() {
            return 99;
        }

        @JsonProperty("customer_tier")
        public String getTier() {
            return "gold";
        }
    }

    static final class WithOptional {
        public Optional<String> getNickname() {
            return Optional.of("Al");
        }
    }

    static final class NoProperties {}

    static final class Printable {
        @Override
        public String toString() {
            return "printable #1";
        }
    }

    static final class Recursive {
        @Override
        public String toString() {
            return "again: " + this;
        }
    }

    static final class BrokenMessage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("message unavailable");
        }
    }
}
