package io.actiontrail;

import static io.actiontrail.CaptureTestSupport.asArray;
import static io.actiontrail.CaptureTestSupport.asObject;
import static io.actiontrail.CaptureTestSupport.requestParameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.actiontrail.CaptureTestSupport.Harness;
import io.actiontrail.internal.capture.Snapshotter;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Arguments that would break a naive serialiser: each is passed to an audited method; the call must go through
 * untouched and the recorded event must say what was left out.
 */
class BadInputTest {

    /** The audited method every bad input is passed to. */
    interface Inbox {
        @Audited(eventName = "Accept")
        void accept(@Nullable Object value);
    }

    private final AtomicInteger calls = new AtomicInteger();
    private Harness harness;
    private Inbox inbox;

    @BeforeEach
    void setUp() {
        harness = Harness.create();
        inbox = harness.proxy(Inbox.class, value -> calls.incrementAndGet());
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    /** Passes {@code argument} to the audited method and returns what the recorded event holds for it. */
    private @Nullable Object recordedValue(@Nullable Object argument) {
        return recordedValue(harness, inbox, argument);
    }

    private @Nullable Object recordedValue(Harness h, Inbox proxy, @Nullable Object argument) {
        int before = calls.get();
        assertThatCode(() -> proxy.accept(argument)).doesNotThrowAnyException();
        assertThat(calls.get()).as("the business method ran").isEqualTo(before + 1);
        AuditEvent event = h.onlyEvent();
        assertThat(AuditEvent.fromJson(event.toJson())).isEqualTo(event);
        Map<String, @Nullable Object> parameters = requestParameters(event);
        assertThat(parameters).containsOnlyKeys("value");
        return parameters.get("value");
    }

    // --- cycles ---

    @Test
    void objectReferencingItselfIsRecordedWithACycleMarker() {
        Map<String, @Nullable Object> value = asObject(recordedValue(new SelfReferencing("root")));

        assertThat(value).containsEntry("name", "root").containsEntry("self", "<cycle>");
    }

    @Test
    void objectsReferencingEachOtherAreRecordedWithACycleMarker() {
        Parent a = new Parent("a");

        Map<String, @Nullable Object> value = asObject(recordedValue(a));

        assertThat(value).containsEntry("name", "a");
        assertThat(asObject(value.get("child"))).containsEntry("name", "b").containsEntry("parent", "<cycle>");
    }

    @Test
    void listContainingItselfIsRecordedWithACycleMarker() {
        List<Object> list = new ArrayList<>();
        list.add("first");
        list.add(list);

        assertThat(asArray(recordedValue(list))).containsExactly("first", "<cycle>");
    }

    @Test
    void mapContainingItselfIsRecordedWithACycleMarker() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", "loop");
        map.put("self", map);

        assertThat(asObject(recordedValue(map)))
                .containsExactly(Map.entry("name", "loop"), Map.entry("self", "<cycle>"));
    }

    @Test
    void sameObjectReachedTwiceWithoutACycleIsRecordedBothTimes() {
        Money price = new Money("EUR", 5);

        List<@Nullable Object> value = asArray(recordedValue(List.of(price, price)));

        assertThat(value).hasSize(2).doesNotContain("<cycle>");
        assertThat(value.get(1)).isEqualTo(value.get(0));
    }

    // --- code that throws ---

    @Test
    void getterThatThrowsCostsOnlyItsOwnValue() {
        Map<String, @Nullable Object> value = asObject(recordedValue(new FlakyAccount("acc-1")));

        assertThat(value)
                .containsEntry("id", "acc-1")
                .containsEntry("balance", "<error: IllegalStateException>")
                .containsEntry("owner", "<error: NoClassDefFoundError>");
    }

    @Test
    void toStringThatThrowsOnATypeWithoutPropertiesIsRecordedAsAPlaceholder() {
        assertThat(recordedValue(new Unprintable())).isEqualTo("<toString() threw UnsupportedOperationException>");
    }

    @Test
    void mapKeyWhoseToStringThrowsIsRecordedAsAPlaceholderKey() {
        Map<Object, String> map = new HashMap<>();
        map.put(new Unprintable(), "v");

        assertThat(asObject(recordedValue(map)))
                .containsExactly(Map.entry("<toString() threw UnsupportedOperationException>", "v"));
    }

    @Test
    void collectionWhoseIterationThrowsKeepsTheElementsBeforeTheFailure() {
        List<String> broken = new AbstractList<>() {
            @Override
            public String get(int index) {
                if (index == 1) {
                    throw new IllegalStateException("storage went away");
                }
                return "e" + index;
            }

            @Override
            public int size() {
                return 3;
            }
        };

        assertThat(asArray(recordedValue(broken))).containsExactly("e0", "<iteration failed: IllegalStateException>");
    }

    // --- types that must not be serialised ---

    @Test
    void threadIsRecordedByTypeOnly() {
        Thread thread = new Thread(() -> {}, "worker-7");

        assertThat(recordedValue(thread)).isEqualTo("<java.lang.Thread>");
    }

    @Test
    void inputStreamIsRecordedByTypeWithoutReadingIt() {
        ByteArrayInputStream stream = new ByteArrayInputStream("stream-content".getBytes(StandardCharsets.UTF_8));

        assertThat(recordedValue(stream)).isEqualTo("<java.io.ByteArrayInputStream>");
        assertThat(stream.available()).as("nothing was read").isEqualTo(14);
    }

    @Test
    void streamIsRecordedByTypeWithoutConsumingIt() {
        AtomicInteger pulled = new AtomicInteger();
        Stream<Integer> stream = Stream.generate(pulled::incrementAndGet);

        assertThat((String) recordedValue(stream)).startsWith("<java.util.stream.");
        assertThat(pulled).hasValue(0);
    }

    @Test
    void lambdaIsRecordedByTypeOnly() {
        Supplier<String> supplier = () -> "computed";

        assertThat((String) recordedValue(supplier))
                .startsWith("<")
                .contains("$$Lambda")
                .endsWith(">");
        assertThat(harness.onlyLine()).doesNotContain("computed");
    }

    @Test
    void optionalIsRecordedAsItsContent() {
        assertThat(asObject(recordedValue(Optional.of(new Money("EUR", 12)))))
                .containsEntry("currency", "EUR")
                .containsEntry("cents", 12L);
    }

    @Test
    void emptyOptionalIsRecordedAsNull() {
        assertThat(recordedValue(Optional.empty())).isNull();
    }

    @Test
    void socketLikeResourceIsRecordedByTypeWithoutTouchingIt() {
        FakeConnection connection = new FakeConnection();

        assertThat(recordedValue(connection)).isEqualTo("<" + FakeConnection.class.getName() + ">");
        assertThat(connection.touched).as("no getter was called").hasValue(0);
    }

    // --- size ---

    @Test
    void millionElementListIsCappedWithAMoreElementsMarker() {
        List<Integer> huge = IntStream.range(0, 1_000_000).boxed().collect(Collectors.toList());

        List<@Nullable Object> value = asArray(recordedValue(huge));

        assertThat(value).hasSize(Snapshotter.DEFAULT_MAX_ELEMENTS + 1);
        assertThat(value.subList(0, 3)).containsExactly(0L, 1L, 2L);
        assertThat(value.get(Snapshotter.DEFAULT_MAX_ELEMENTS))
                .isEqualTo("<" + (1_000_000 - Snapshotter.DEFAULT_MAX_ELEMENTS) + " more elements>");
    }

    @Test
    void millionElementArrayIsCappedWithAMoreElementsMarker() {
        List<@Nullable Object> value = asArray(recordedValue(new long[1_000_000]));

        assertThat(value).hasSize(Snapshotter.DEFAULT_MAX_ELEMENTS + 1);
        assertThat(value.get(Snapshotter.DEFAULT_MAX_ELEMENTS))
                .isEqualTo("<" + (1_000_000 - Snapshotter.DEFAULT_MAX_ELEMENTS) + " more elements>");
    }

    @Test
    void hugeMapIsCappedWithAMoreEntriesMarker() {
        Map<String, Integer> huge = new LinkedHashMap<>();
        for (int i = 0; i < 100_000; i++) {
            huge.put("k" + i, i);
        }

        Map<String, @Nullable Object> value = asObject(recordedValue(huge));

        assertThat(value).hasSize(Snapshotter.DEFAULT_MAX_ELEMENTS + 1).containsEntry("k0", 0L);
        assertThat(value.get("…")).isEqualTo("<" + (100_000 - Snapshotter.DEFAULT_MAX_ELEMENTS) + " more entries>");
    }

    @Test
    void hugeStringIsCutWithTheNumberOfCharactersLeftOut() {
        String huge = "a".repeat(1_000_000);

        String value = (String) recordedValue(huge);

        assertThat(value)
                .startsWith("a".repeat(Snapshotter.DEFAULT_MAX_STRING_LENGTH))
                .endsWith("…<+" + (1_000_000 - Snapshotter.DEFAULT_MAX_STRING_LENGTH) + " chars>")
                .hasSize(Snapshotter.DEFAULT_MAX_STRING_LENGTH + ("…<+" + 991_808 + " chars>").length());
    }

    @Test
    void snapshotCopiedIntoAnotherEventKeepsItsPlaceholders() {
        AuditEvent original = AuditEvent.builder("Original")
                .requestParameter("items", Collections.nCopies(1000, "x"))
                .requestParameter("text", "t".repeat(10_000))
                .build();

        AuditEvent copy = AuditEvent.builder("Copy")
                .requestParameters(original.requestParameters())
                .build();

        assertThat(copy.requestParameters()).isEqualTo(original.requestParameters());
        assertThat(asArray(requestParameters(copy).get("items"))).endsWith("<744 more elements>");
        assertThat((String) requestParameters(copy).get("text")).endsWith("…<+1808 chars>");
    }

    @Test
    void hugeObjectGraphStopsAtTheNodeLimit() {
        // 1,000 x 1,000 leaves: a million values, far more than one event should hold
        List<List<String>> wide = Collections.nCopies(1000, Collections.nCopies(1000, "leaf"));

        List<@Nullable Object> value = asArray(recordedValue(wide));

        assertThat(value).hasSizeLessThanOrEqualTo(Snapshotter.DEFAULT_MAX_ELEMENTS + 1);
        assertThat(harness.onlyLine()).contains("<size limit>").contains("more elements>");
    }

    @Test
    void sharedSubgraphsWithExponentiallyManyPathsStopAtTheNodeLimit() {
        try (Harness deep = Harness.create(b -> b.maxArgumentDepth(Snapshotter.MAX_DEPTH_LIMIT))) {
            Inbox proxy = deep.proxy(Inbox.class, value -> calls.incrementAndGet());
            // 80 levels, each node pointing twice at the next: 2^80 paths, no cycle
            Diamond top = Diamond.levels(80);

            recordedValue(deep, proxy, top);

            assertThat(deep.onlyLine()).contains("<size limit>");
        }
    }

    // --- binary and character data ---

    @Test
    void byteArrayIsRecordedAsItsLength() {
        assertThat(recordedValue(new byte[4096])).isEqualTo("<binary: 4096 bytes>");
    }

    @Test
    void byteBufferIsRecordedAsItsRemainingLength() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[100]);
        buffer.position(10);

        assertThat(recordedValue(buffer)).isEqualTo("<binary: 90 bytes>");
        assertThat(buffer.position()).as("the buffer was not read").isEqualTo(10);
    }

    @Test
    void charArrayIsNeverPrinted() {
        char[] chars = "hunter2-very-private".toCharArray();

        assertThat(recordedValue(chars)).isEqualTo("<char[20]>");
        assertThat(harness.onlyLine()).doesNotContain("hunter2");
    }

    // --- depth ---

    @Test
    void nestingBeyondTheDefaultDepthEndsWithADepthMarker() {
        Object value = recordedValue(Chain.of(50));

        for (int level = 0; level < Snapshotter.DEFAULT_MAX_DEPTH; level++) {
            Map<String, @Nullable Object> node = asObject(value);
            assertThat(node).containsEntry("level", (long) level);
            value = node.get("next");
        }
        assertThat(value).isEqualTo("<depth limit>");
    }

    @Test
    void nestingBeyondAConfiguredDepthEndsWithADepthMarker() {
        try (Harness shallow = Harness.create(b -> b.maxArgumentDepth(2))) {
            Inbox proxy = shallow.proxy(Inbox.class, value -> calls.incrementAndGet());

            Map<String, @Nullable Object> value = asObject(recordedValue(shallow, proxy, Chain.of(5)));

            assertThat(value).containsEntry("level", 0L);
            assertThat(asObject(value.get("next"))).containsEntry("level", 1L).containsEntry("next", "<depth limit>");
        }
    }

    @Test
    void deeplyNestedListsDoNotOverflowTheStack() {
        List<Object> root = new ArrayList<>();
        List<Object> current = root;
        for (int i = 0; i < 100_000; i++) {
            List<Object> next = new ArrayList<>();
            current.add(next);
            current = next;
        }

        assertThat(recordedValue(root)).isNotNull();
        assertThat(harness.onlyLine()).contains("<depth limit>");
        assertThat(harness.actionTrail.captureStats().droppedTotal()).isZero();
    }

    // --- throwables ---

    @Test
    void throwableArgumentIsRecordedAsTypeAndMessage() {
        IllegalStateException error = new IllegalStateException("disk full");

        assertThat(recordedValue(error)).isEqualTo("IllegalStateException: disk full");
    }

    @Test
    void throwableWithoutMessageIsRecordedByType() {
        assertThat((String) recordedValue(new UnsupportedOperationException()))
                .startsWith("UnsupportedOperationException");
    }

    // --- null everywhere ---

    @Test
    void nullArgumentIsRecordedAsNull() {
        assertThat(recordedValue(null)).isNull();
    }

    @Test
    void recordingNullIsCountedAsInvalidAndDoesNotThrow() {
        assertThatCode(() -> harness.record(null)).doesNotThrowAnyException();

        assertThat(harness.actionTrail.captureStats().dropped()).containsEntry("invalid", 1L);
        assertThat(harness.actionTrail.captureStats().recorded()).isZero();
        assertThat(harness.events()).isEmpty();
    }

    @Test
    void nullMapValuesAndKeysAreRecorded() {
        Map<@Nullable String, @Nullable Object> map = new HashMap<>();
        map.put("present", "yes");
        map.put("absent", null);
        map.put(null, "null key");

        assertThat(asObject(recordedValue(map)))
                .containsEntry("present", "yes")
                .containsEntry("absent", null)
                .containsEntry("null", "null key");
    }

    @Test
    void nullElementsAndNullPropertiesAreRecorded() {
        List<@Nullable Object> list = new ArrayList<>();
        list.add(null);
        list.add(new Money(null, 0));

        List<@Nullable Object> value = asArray(recordedValue(list));

        assertThat(value.get(0)).isNull();
        assertThat(asObject(value.get(1))).containsEntry("currency", null);
    }

    @Test
    void eventBuiltWithNullValuesEverywhereIsRecordedWithDefaults() {
        Map<String, @Nullable Object> parameters = new HashMap<>();
        parameters.put("note", null);
        AuditEvent event = AuditEvent.builder("Nothing")
                .eventType(null)
                .eventRW(null)
                .eventCategory(null)
                .serviceName(null)
                .eventSource(null)
                .region(null)
                .userIdentity(null)
                .sourceIpAddress(null)
                .userAgent(null)
                .requestId(null)
                .resource(null, null)
                .referencedResources(null)
                .requestParameters(parameters)
                .responseElements(null)
                .additionalEventData(null)
                .outcome(null)
                .errorCode(null)
                .errorMessage(null)
                .durationMs(null)
                .build();

        assertThatCode(() -> harness.record(event)).doesNotThrowAnyException();

        AuditEvent recorded = harness.onlyEvent();
        assertThat(recorded.serviceName()).isEqualTo("svc");
        assertThat(recorded.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(recorded.userIdentity()).isEqualTo(UserIdentity.anonymous());
        assertThat(requestParameters(recorded)).hasSize(1).containsEntry("note", null);
        assertThat(recorded.responseElements()).isNull();
        assertThat(recorded.resourceName()).isNull();
    }

    // --- the same inputs through the event builder ---

    static Stream<Arguments> badInputs() {
        List<Object> cyclicList = new ArrayList<>();
        cyclicList.add(cyclicList);
        Supplier<String> lambda = () -> "x";
        return Stream.of(
                Arguments.of("self reference", new SelfReferencing("s"), "<cycle>"),
                Arguments.of("cyclic list", cyclicList, "<cycle>"),
                Arguments.of("throwing getter", new FlakyAccount("f"), "<error: IllegalStateException>"),
                Arguments.of(
                        "throwing toString", new Unprintable(), "<toString() threw UnsupportedOperationException>"),
                Arguments.of("thread", new Thread(() -> {}), "<java.lang.Thread>"),
                Arguments.of("lambda", lambda, "$$Lambda"),
                Arguments.of("connection", new FakeConnection(), "FakeConnection>"),
                Arguments.of("bytes", new byte[3], "<binary: 3 bytes>"),
                Arguments.of("chars", new char[3], "<char[3]>"),
                Arguments.of("deep", Chain.of(40), "<depth limit>"),
                Arguments.of("huge list", Collections.nCopies(1_000_000, 1), "<999744 more elements>"),
                Arguments.of("huge string", "b".repeat(10_000), "…<+1808 chars>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGivenToTheEventBuilderIsRecordedWithItsPlaceholder(String label, Object input, String placeholder) {
        assertThatCode(() -> harness.record(AuditEvent.builder("Direct")
                        .requestParameter("value", input)
                        .additionalEventData("extra", input)
                        .build()))
                .as(label)
                .doesNotThrowAnyException();

        AuditEvent event = harness.onlyEvent();
        assertThat(String.valueOf(requestParameters(event).get("value"))).contains(placeholder);
        assertThat(event.toJson()).contains(placeholder);
        assertThat(harness.actionTrail.captureStats().droppedTotal()).isZero();
    }

    // --- fixtures ---

    static final class SelfReferencing {
        private final String name;

        SelfReferencing(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }

        public SelfReferencing getSelf() {
            return this;
        }
    }

    static final class Parent {
        private final String name;
        private final Child child;

        Parent(String name) {
            this.name = name;
            this.child = new Child(this);
        }

        public String getName() {
            return name;
        }

        public Child getChild() {
            return child;
        }
    }

    static final class Child {
        private final Parent parent;

        Child(Parent parent) {
            this.parent = parent;
        }

        public String getName() {
            return "b";
        }

        public Parent getParent() {
            return parent;
        }
    }

    record Money(@Nullable String currency, long cents) {}

    /** An account whose ledger is offline: two of its getters fail, in different ways. */
    static final class FlakyAccount {
        private final String id;
        private final Map<String, Long> ledger = Map.of();

        FlakyAccount(String id) {
            this.id = id;
        }

        public String getId() {
            return id;
        }

        public long getBalance() {
            Long balance = ledger.get(id);
            if (balance == null) {
                throw new IllegalStateException("ledger unavailable");
            }
            return balance;
        }

        public String getOwner() {
            if (ledger.isEmpty()) {
                throw new NoClassDefFoundError("com/example/Owner");
            }
            return "owner";
        }
    }

    /** No bean properties, and a toString() that throws. */
    static final class Unprintable {
        @Override
        public String toString() {
            throw new UnsupportedOperationException("not printable");
        }
    }

    /** Looks like a socket: reading any of its properties would block or fail. */
    static final class FakeConnection implements AutoCloseable {
        final AtomicInteger touched = new AtomicInteger();

        public String getRemoteAddress() {
            touched.incrementAndGet();
            throw new IllegalStateException("not connected");
        }

        public byte[] getPendingBytes() {
            touched.incrementAndGet();
            return new byte[0];
        }

        @Override
        public void close() {}
    }

    static final class Chain {
        private final int level;
        private final @Nullable Chain next;

        private Chain(int level, @Nullable Chain next) {
            this.level = level;
            this.next = next;
        }

        static Chain of(int length) {
            Chain chain = null;
            for (int level = length - 1; level >= 0; level--) {
                chain = new Chain(level, chain);
            }
            return Objects.requireNonNull(chain);
        }

        public int getLevel() {
            return level;
        }

        public @Nullable Chain getNext() {
            return next;
        }
    }

    static final class Diamond {
        private final @Nullable Diamond next;

        private Diamond(@Nullable Diamond next) {
            this.next = next;
        }

        static Diamond levels(int levels) {
            Diamond node = new Diamond(null);
            for (int i = 1; i < levels; i++) {
                node = new Diamond(node);
            }
            return node;
        }

        public @Nullable Diamond getLeft() {
            return next;
        }

        public @Nullable Diamond getRight() {
            return next;
        }
    }
}
