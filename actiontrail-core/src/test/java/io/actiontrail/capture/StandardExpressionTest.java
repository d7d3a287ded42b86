package io.actiontrail.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Unit tests of core's resource expressions of {@code @Audited}: parsing, checking and safe evaluation. */
class StandardExpressionTest {

    /** Methods whose signatures the expressions are checked against. */
    interface Calls {
        Order update(Order order, String note);

        void tag(List<String> ids, String[] codes, Map<String, Object> attributes);

        void ping();
    }

    private static Method method(String name) {
        for (Method method : Calls.class.getMethods()) {
            if (method.getName().equals(name)) {
                return method;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** A finished call of {@code update} with these arguments and result: the expressions read only those. */
    private static Invocation call(@Nullable Object[] args, @Nullable Object result) {
        return new Invocation(method("update"), null, args, result, null, java.time.Instant.EPOCH, 0);
    }

    private static StandardExpression parse(String source, String methodName) {
        return Objects.requireNonNull(StandardExpression.parse(source, method(methodName), "resourceName"), source);
    }

    private static @Nullable String onUpdate(String source, @Nullable Order order) {
        return parse(source, "update").evaluate(call(new @Nullable Object[] {order, "note"}, null));
    }

    private static @Nullable String onTag(String source) {
        Map<String, Object> attributes = Map.of("region", "eu-1", "size", 3);
        Object[] args = {List.of("id-0", "id-1"), new String[] {"c-0"}, attributes};
        return parse(source, "tag").evaluate(call(args, null));
    }

    private static final Order ORDER = new Order("o-1", List.of(new Line("sku-9", 2)));

    // --- literals ---

    @Test
    void emptyExpressionParsesToNothing() {
        assertThat(StandardExpression.parse("", method("update"), "resourceName"))
                .isNull();
    }

    @Test
    void textWithoutHashIsALiteral() {
        StandardExpression literal = parse("Order", "update");

        assertThat(literal.evaluate(call(new Object[] {ORDER, "n"}, null))).isEqualTo("Order");
        assertThat(literal.usesResult()).isFalse();
        assertThat(literal).hasToString("Order");
    }

    // --- roots ---

    @Test
    void parameterIsFoundByName() {
        assertThat(onUpdate("#note", ORDER)).isEqualTo("note");
        assertThat(onUpdate("#order.id", ORDER)).isEqualTo("o-1");
    }

    @Test
    void parameterIsFoundByPosition() {
        assertThat(onUpdate("#args[0].id", ORDER)).isEqualTo("o-1");
        assertThat(onUpdate("#p0.id", ORDER)).isEqualTo("o-1");
        assertThat(onUpdate("#a1", ORDER)).isEqualTo("note");
    }

    @Test
    void parameterIsFoundByTheNameThePlanRecordsItUnder() {
        List<String> names = List.of("draft", "comment");
        ResourceExpression byGivenName = Objects.requireNonNull(
                ExpressionLanguage.standard().parse("#draft.id", method("update"), names, "resourceName"));

        assertThat(byGivenName.evaluate(call(new Object[] {ORDER, "n"}, null))).isEqualTo("o-1");
        assertThat(byGivenName.usesResult()).isFalse();
        assertThatThrownBy(
                        () -> ExpressionLanguage.standard().parse("#order.id", method("update"), names, "resourceName"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no parameter named 'order'")
                .as("the names are known: no advice to compile with -parameters")
                .hasMessageNotContaining("-parameters");
    }

    @Test
    void theStandardLanguageWithoutNamesUsesTheClassFileNames() {
        ExpressionLanguage standard = ExpressionLanguage.standard();
        ResourceExpression byName = Objects.requireNonNull(standard.parse("#note", method("update"), "resourceType"));

        assertThat(byName.evaluate(call(new Object[] {ORDER, "n"}, null))).isEqualTo("n");
        assertThat(standard.parse("", method("update"), "resourceType")).isNull();
        assertThat(standard).hasToString("ExpressionLanguage.standard()");
    }

    @Test
    void aLanguageThatIgnoresNamesIsAskedWithoutThem() {
        List<String> asked = new java.util.ArrayList<>();
        ExpressionLanguage plain = (source, m, attribute) -> {
            asked.add(attribute + ":" + source);
            return null;
        };

        assertThat(plain.parse("#x", method("update"), List.of("a", "b"), "resourceName"))
                .isNull();
        assertThat(asked).containsExactly("resourceName:#x");
    }

    @Test
    void resultIsTheReturnValue() {
        StandardExpression expression = parse("#result.id", "update");

        assertThat(expression.usesResult()).isTrue();
        assertThat(expression.evaluate(call(new Object[] {ORDER, "n"}, new Order("o-2", List.of()))))
                .isEqualTo("o-2");
    }

    // --- steps ---

    @Test
    void getterIsRead() {
        assertThat(onUpdate("#order.id", ORDER)).isEqualTo("o-1");
    }

    @Test
    void booleanGetterIsRead() {
        assertThat(onUpdate("#order.paid", ORDER)).isEqualTo("false");
    }

    @Test
    void recordAccessorIsRead() {
        assertThat(onUpdate("#order.lines[0].sku", ORDER)).isEqualTo("sku-9");
        assertThat(onUpdate("#order.lines[0].quantity", ORDER)).isEqualTo("2");
    }

    @Test
    void publicFieldIsRead() {
        assertThat(onUpdate("#order.channel", ORDER)).isEqualTo("web");
    }

    @Test
    void mapValueIsReadByKey() {
        assertThat(onTag("#attributes.region")).isEqualTo("eu-1");
        assertThat(onTag("#attributes.size")).isEqualTo("3");
        assertThat(onTag("#attributes.missing")).isNull();
    }

    @Test
    void listAndArrayElementsAreReadByIndex() {
        assertThat(onTag("#ids[1]")).isEqualTo("id-1");
        assertThat(onTag("#codes[0]")).isEqualTo("c-0");
        assertThat(onTag("#args[0][0]")).isEqualTo("id-0");
    }

    @Test
    void indexOutOfRangeYieldsNothing() {
        assertThat(onTag("#ids[5]")).isNull();
        assertThat(onTag("#codes[1]")).isNull();
        assertThat(onUpdate("#order.lines[3].sku", ORDER)).isNull();
    }

    @Test
    void nullAlongThePathYieldsNothing() {
        assertThat(onUpdate("#order.id", null)).isNull();
        assertThat(onUpdate("#order", null)).isNull();
        assertThat(onUpdate("#order.customer.name", ORDER)).isNull();
        assertThat(parse("#result.id", "update").evaluate(call(new Object[] {ORDER, "n"}, null)))
                .isNull();
    }

    // --- failures while evaluating become placeholders ---

    @Test
    void getterThatThrowsYieldsAPlaceholder() {
        assertThat(onUpdate("#order.total", ORDER)).isEqualTo("<#order.total failed: IllegalStateException>");
    }

    @Test
    void unknownPropertyYieldsAPlaceholder() {
        assertThat(onUpdate("#order.nope", ORDER)).isEqualTo("<#order.nope failed: NoSuchFieldException>");
    }

    @Test
    void indexIntoSomethingNotIndexableYieldsAPlaceholder() {
        assertThat(onUpdate("#order.id[0]", ORDER)).isEqualTo("<#order.id[0] failed: IllegalArgumentException>");
    }

    @Test
    void valueWhoseToStringThrowsYieldsAPlaceholder() {
        assertThat(onUpdate("#order.label", ORDER)).isEqualTo("<#order.label failed: UnsupportedOperationException>");
    }

    // --- parsing fails fast ---

    static Stream<Arguments> invalidExpressions() {
        return Stream.of(
                Arguments.of("#", "update", "expected a name after '#'"),
                Arguments.of("#nope", "update", "no parameter named 'nope'"),
                Arguments.of("#nope.id", "ping", "no parameter named 'nope'"),
                Arguments.of("#result", "ping", "#result is used but the method returns void"),
                Arguments.of("#result.id", "tag", "#result is used but the method returns void"),
                Arguments.of("#args", "update", "#args must be indexed"),
                Arguments.of("#args.id", "update", "#args must be indexed"),
                Arguments.of("#args[x]", "update", "index must be a number"),
                Arguments.of("#args[0", "update", "missing ']'"),
                Arguments.of("#args[-1]", "update", "negative index"),
                Arguments.of("#args[2]", "update", "the method has only 2 parameters"),
                Arguments.of("#p2", "update", "the method has only 2 parameters"),
                Arguments.of("#order..id", "update", "expected a property name after '.'"),
                Arguments.of("#order.id!", "update", "unexpected '!'"),
                Arguments.of("#order id", "update", "unexpected ' '"),
                Arguments.of("#ids[1", "tag", "missing ']'"));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("invalidExpressions")
    void invalidExpressionFailsFastNamingTheExpression(String source, String methodName, String why) {
        assertThatThrownBy(() -> StandardExpression.parse(source, method(methodName), "resourceName"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + source + "'")
                .hasMessageContaining("Calls." + methodName)
                .hasMessageContaining(why);
    }

    // --- fixtures ---

    record Line(String sku, int quantity) {}

    static final class Order {
        public final String channel = "web";
        private final String id;
        private final List<Line> lines;

        Order(String id, List<Line> lines) {
            this.id = id;
            this.lines = lines;
        }

        public String getId() {
            return id;
        }

        public List<Line> getLines() {
            return lines;
        }

        public boolean isPaid() {
            return false;
        }

        public @Nullable Customer getCustomer() {
            return null;
        }

        public long getTotal() {
            if (lines.size() < 100) {
                throw new IllegalStateException("prices not loaded");
            }
            return 0;
        }

        public Object getLabel() {
            return new Object() {
                @Override
                public String toString() {
                    throw new UnsupportedOperationException("no label");
                }
            };
        }
    }

    record Customer(String name) {}
}
