package io.actiontrail.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.AuditEvent;
import io.actiontrail.Audited;
import io.actiontrail.spring.TestAutoConfigurations;
import io.actiontrail.test.InMemoryAuditSink;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code @Audited} expressions: checked at start-up, and right on every call however often they run. */
class AuditedExpressionsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.BASE)
            .withPropertyValues("spring.application.name=orders", "actiontrail.durability=memory")
            .withBean("memory", InMemoryAuditSink.class, InMemoryAuditSink::create);

    /** Something with a stock-keeping unit; two record types implement it. */
    public interface Stocked {
        /** Returns the stock-keeping unit. */
        String sku();
    }

    /**
     * An item.
     *
     * @param sku its stock-keeping unit
     */
    public record Item(String sku) implements Stocked {}

    /**
     * A bundle of items.
     *
     * @param sku its stock-keeping unit
     * @param count how many items
     */
    public record Bundle(String sku, int count) implements Stocked {}

    /** Expressions of every kind, over results of changing types. */
    public static class Catalog {
        @Audited(eventName = "Find", resourceType = "#root.methodName", resourceName = "#result.sku")
        public @Nullable Stocked find(String sku) {
            if (sku.isEmpty()) {
                return null;
            }
            return sku.startsWith("b-") ? new Bundle(sku, 2) : new Item(sku);
        }

        @Audited(eventName = "Rename", resourceType = "#p0.toUpperCase()", resourceName = "#args[1]")
        public void rename(String kind, String to) {}
    }

    @Test
    void expressionsStayRightOnceCompiledAndWhenTheResultChangesTypeOrIsNull() {
        runner.withBean(Catalog.class).run(context -> {
            Catalog catalog = context.getBean(Catalog.class);
            List<@Nullable String> expected = new ArrayList<>();
            // well past the 100 interpreted runs after which an expression is compiled
            for (int i = 0; i < 300; i++) {
                catalog.find("i-" + i);
                expected.add("i-" + i);
            }
            catalog.find("b-1"); // another type than the compiled code was made for
            expected.add("b-1");
            catalog.find(""); // null on the way
            expected.add(null);
            for (int i = 0; i < 150; i++) {
                catalog.find(i % 2 == 0 ? "b-" + i : "i-" + i);
                expected.add(i % 2 == 0 ? "b-" + i : "i-" + i);
            }
            catalog.rename("item", "widget");
            List<AuditEvent> events = events(context, expected.size() + 1);
            assertThat(events.subList(0, expected.size()))
                    .extracting(AuditEvent::resourceName)
                    .containsExactlyElementsOf(expected);
            assertThat(events.get(0).resourceType()).isEqualTo("find");
            AuditEvent renamed = events.get(expected.size());
            assertThat(renamed.resourceType()).isEqualTo("ITEM");
            assertThat(renamed.resourceName()).isEqualTo("widget");
        });
    }

    @Test
    void invalidExpressionsStillFailStartUpNamingTheMethod() {
        runner.withBean(MalformedExpression.class).run(context -> assertThat(messages(context.getStartupFailure()))
                .contains("#order..id")
                .contains("MalformedExpression.ship"));
        runner.withBean(ResultOfVoid.class).run(context -> assertThat(messages(context.getStartupFailure()))
                .contains("#result.id")
                .contains("ResultOfVoid.ship")
                .contains("returns void"));
    }

    static class MalformedExpression {
        @Audited(resourceName = "#order..id")
        public void ship(String order) {}
    }

    static class ResultOfVoid {
        @Audited(resourceName = "#result.id")
        public void ship(String order) {}
    }

    private static List<AuditEvent> events(AssertableApplicationContext context, int count) {
        InMemoryAuditSink sink = context.getBean(InMemoryAuditSink.class);
        await().until(() -> sink.size() >= count);
        assertThat(sink.size()).isEqualTo(count);
        return sink.events();
    }

    private static String messages(@Nullable Throwable failure) {
        assertThat(failure).as("start-up failure").isNotNull();
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
