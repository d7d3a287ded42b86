package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.CaptureTestSupport.Harness;
import io.actiontrail.capture.AuditedMethod;
import io.actiontrail.capture.CallRecorder;
import io.actiontrail.capture.ExpressionLanguage;
import io.actiontrail.capture.Invocation;
import io.actiontrail.capture.ResourceExpression;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The public capture SPI as a framework integration uses it: plans built from {@code @Audited}, calls recorded through
 * {@link ActionTrail#callRecorder()}, with the same event {@link ActionTrail#proxy} records.
 */
class CallRecorderTest {

    record Order(String id, int quantity) {}

    interface Orders {
        @Audited(eventName = "CreateOrder", resourceType = "Order", resourceName = "#result.id", captureResult = true)
        Order create(String sku, @Sensitive String pin, @AuditIgnore String traceId);

        @Audited(eventRW = EventRW.READ, eventType = EventType.CONSOLE_OPERATION)
        void view(String id);

        @Audited
        void describe(Object anything);
    }

    /** Annotations no plan can be built from. */
    interface Broken {
        @Audited(eventType = {EventType.API_CALL, EventType.CONSOLE_OPERATION})
        void ambiguous();

        @Audited(resourceName = "#nope")
        void misnamed(String id);
    }

    /** Parameters whose class-file names are not the ones an integration records them under. */
    interface Renamed {
        @Audited(resourceType = "Order", resourceName = "#orderId")
        void cancel(String id, String reason, String internalNote);
    }

    static final class DefaultOrders implements Orders {
        @Override
        public Order create(String sku, String pin, String traceId) {
            return new Order("o-" + sku, 1);
        }

        @Override
        public void view(String id) {}

        @Override
        public void describe(Object anything) {}
    }

    private static Method method(String name) {
        for (Method m : name.equals("ambiguous") || name.equals("misnamed")
                ? Broken.class.getMethods()
                : Orders.class.getMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static Method cancel() {
        return Renamed.class.getMethods()[0];
    }

    /** Throws {@code t} without declaring it, as code in a language without checked exceptions can. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private static Audited audited(String name) {
        return method(name).getAnnotation(Audited.class);
    }

    /** An instance of a parameter annotation, taken from {@code create}, which declares both. */
    private static Annotation annotation(Class<? extends Annotation> type) {
        for (Annotation[] annotations : method("create").getParameterAnnotations()) {
            for (Annotation a : annotations) {
                if (a.annotationType() == type) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException(type.getName());
    }

    @SuppressWarnings("NullAway") // a caller without null checking may pass no arguments array: it must be safe
    private static Invocation call(
            String name, @Nullable Object @Nullable [] args, @Nullable Object result, @Nullable Throwable failure) {
        return new Invocation(
                method(name),
                new DefaultOrders(),
                args,
                result,
                failure,
                Instant.parse("2026-12-05T10:00:00Z"),
                3_000_000);
    }

    @Test
    void aPlanReadsTheAnnotationAndTheMethod() {
        AuditedMethod create = AuditedMethod.of(method("create"), audited("create"));
        assertThat(create.eventName()).isEqualTo("CreateOrder");
        assertThat(create.eventRW()).isEqualTo(EventRW.WRITE);
        assertThat(create.eventType()).isNull();
        assertThat(create.captureArgs()).isTrue();
        assertThat(create.captureResult()).isTrue();
        assertThat(create.isSensitive(1)).isTrue();
        assertThat(create.isIgnored(2)).isTrue();
        assertThat(create.isIgnored(0)).isFalse();
        assertThat(create.isSensitive(99)).isFalse();
        assertThat(create.parameterNames()).hasSize(3);
        ResourceExpression resourceName = java.util.Objects.requireNonNull(create.resourceName());
        assertThat(resourceName.usesResult()).isTrue();

        AuditedMethod view = AuditedMethod.of(method("view"), audited("view"));
        assertThat(view.eventName()).isEqualTo("Orders.view");
        assertThat(view.eventRW()).isEqualTo(EventRW.READ);
        assertThat(view.eventType()).isEqualTo(EventType.CONSOLE_OPERATION);
        assertThat(view.resourceType()).isNull();
    }

    @Test
    void anInvalidAnnotationFailsNamingTheMethod() {
        assertThatThrownBy(() -> AuditedMethod.of(method("ambiguous"), audited("ambiguous")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Broken.ambiguous")
                .hasMessageContaining("more than one eventType");
        assertThatThrownBy(() -> AuditedMethod.of(method("misnamed"), audited("misnamed")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Broken.misnamed")
                .hasMessageContaining("resourceName")
                .hasMessageContaining("'#nope'");
    }

    @Test
    void theBuilderTakesWhatAnIntegrationKnowsBetter() {
        Annotation sensitive = method("create").getParameterAnnotations()[1][0];
        List<String> parsed = new ArrayList<>();
        ExpressionLanguage upperCase = (source, m, attribute) -> {
            parsed.add(attribute + "=" + source);
            return source.isEmpty()
                    ? null
                    : new ResourceExpression() {
                        @Override
                        public boolean usesResult() {
                            return false;
                        }

                        @Override
                        public String evaluate(Invocation invocation) {
                            return source.toUpperCase(java.util.Locale.ROOT);
                        }
                    };
        };
        AuditedMethod plan = AuditedMethod.builder(method("view"), audited("view"))
                .defaultEventName("ViewOrder")
                .parameterNames(List.of("orderId"))
                .parameterAnnotations(new Annotation[][] {{sensitive}})
                .expressions(upperCase)
                .build();
        assertThat(plan.eventName()).isEqualTo("ViewOrder");
        assertThat(plan.parameterNames()).containsExactly("orderId");
        assertThat(plan.isSensitive(0)).isTrue();
        assertThat(parsed).containsExactly("resourceType=", "resourceName=");
        assertThatThrownBy(() ->
                        AuditedMethod.builder(method("view"), audited("view")).parameterNames(List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 parameters");
        assertThatThrownBy(() ->
                        AuditedMethod.builder(method("view"), audited("view")).defaultEventName(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theNamesAnIntegrationGivesAreTheOnesExpressionsAndParametersUse() {
        Method cancel = cancel();
        Audited audited = cancel.getAnnotation(Audited.class);
        assertThatThrownBy(() -> AuditedMethod.of(cancel, audited))
                .as("the class file says 'id'")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Renamed.cancel")
                .hasMessageContaining("no parameter named 'orderId'");
        Annotation ignore = annotation(AuditIgnore.class);
        Annotation sensitive = annotation(Sensitive.class);
        AuditedMethod plan = AuditedMethod.builder(cancel, audited)
                .parameterNames(List.of("orderId", "reason", "note"))
                .parameterAnnotations(new Annotation[][] {{}, {sensitive}, {ignore}})
                .build();
        assertThat(plan.isSensitive(1)).isTrue();
        assertThat(plan.isIgnored(2)).isTrue();
        assertThat(plan.isIgnored(1)).isFalse();
        try (Harness h = Harness.create()) {
            h.actionTrail
                    .callRecorder()
                    .record(
                            plan,
                            new Invocation(
                                    cancel,
                                    null,
                                    new Object[] {"o-7", "changed my mind", "vip"},
                                    null,
                                    null,
                                    Instant.EPOCH,
                                    0));
            AuditEvent event = h.onlyEvent();
            assertThat(event.resourceName()).isEqualTo("o-7");
            assertThat(event.requestParameters())
                    .containsExactly(Map.entry("orderId", "o-7"), Map.entry("reason", CallRecorder.REDACTED));
        }
    }

    @Test
    void aCustomLanguageIsEvaluatedOverTheCall() {
        ExpressionLanguage echo = (source, m, attribute) -> source.isEmpty()
                ? null
                : new ResourceExpression() {
                    @Override
                    public boolean usesResult() {
                        return source.startsWith("#result");
                    }

                    @Override
                    public @Nullable String evaluate(Invocation invocation) {
                        Object value =
                                usesResult() ? invocation.result() : invocation.arguments()[0];
                        return source + "=" + value;
                    }
                };
        AuditedMethod plan = AuditedMethod.builder(method("create"), audited("create"))
                .expressions(echo)
                .build();
        try (Harness h = Harness.create()) {
            CallRecorder calls = h.actionTrail.callRecorder();
            calls.record(plan, call("create", new Object[] {"sku-1", "0000", "t"}, new Order("o-1", 1), null));
            calls.record(plan, call("create", new Object[] {"sku-2", "0000", "t"}, null, new IllegalStateException()));
            List<AuditEvent> events = h.events();
            assertThat(events).extracting(AuditEvent::resourceType).containsExactly("Order=sku-1", "Order=sku-2");
            assertThat(events.get(0).resourceName()).isEqualTo("#result.id=Order[id=o-1, quantity=1]");
            assertThat(events.get(1).resourceName())
                    .as("an expression over the result has no value after a failure")
                    .isNull();
        }
    }

    @Test
    void aLanguageThatRefusesAnExpressionFailsTheBuild() {
        ExpressionLanguage strict = (source, m, attribute) -> {
            throw new IllegalArgumentException(attribute + " '" + source + "' on " + m.getName() + ": not allowed");
        };
        assertThatThrownBy(() -> AuditedMethod.builder(method("create"), audited("create"))
                        .expressions(strict)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resourceType 'Order' on create: not allowed");
    }

    @Test
    void recordsTheSameEventAsTheProxy() {
        try (Harness proxied = Harness.create();
                Harness recorded = Harness.create()) {
            proxied.proxy(Orders.class, new DefaultOrders()).create("sku-1", "1234", "trace-9");
            AuditedMethod plan = AuditedMethod.of(method("create"), audited("create"));
            recorded.actionTrail
                    .callRecorder()
                    .record(
                            plan,
                            call("create", new Object[] {"sku-1", "1234", "trace-9"}, new Order("o-sku-1", 1), null));
            AuditEvent viaProxy = proxied.onlyEvent();
            AuditEvent viaRecorder = recorded.onlyEvent();
            for (AuditEvent event : List.of(viaProxy, viaRecorder)) {
                assertThat(event.eventName()).isEqualTo("CreateOrder");
                assertThat(event.resourceType()).isEqualTo("Order");
                assertThat(event.resourceName()).isEqualTo("o-sku-1");
                assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
                assertThat(event.eventType()).isEqualTo(EventType.API_CALL);
            }
            assertThat(viaRecorder.requestParameters()).isEqualTo(viaProxy.requestParameters());
            assertThat(viaRecorder.requestParameters())
                    .containsEntry("pin", CallRecorder.REDACTED)
                    .doesNotContainKey("traceId")
                    .hasSize(2);
            assertThat(viaRecorder.responseElements()).isEqualTo(viaProxy.responseElements());
            assertThat(viaRecorder.responseElements()).containsEntry("id", "o-sku-1");
            assertThat(viaRecorder.eventTime()).isEqualTo(Instant.parse("2026-12-05T10:00:00Z"));
            assertThat(viaRecorder.durationMs()).isEqualTo(3L);
        }
    }

    @Test
    void aFailedCallRecordsTheErrorAndNoResult() {
        try (Harness h = Harness.create()) {
            AuditedMethod plan = AuditedMethod.of(method("create"), audited("create"));
            h.actionTrail
                    .callRecorder()
                    .record(
                            plan,
                            call(
                                    "create",
                                    new Object[] {"sku-1", "1234", "t"},
                                    null,
                                    new IllegalStateException("closed")));
            AuditEvent event = h.onlyEvent();
            assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(event.errorCode()).isEqualTo("IllegalStateException");
            assertThat(event.errorMessage()).isEqualTo("closed");
            assertThat(event.resourceName())
                    .as("#result has no value after a failure")
                    .isNull();
            assertThat(event.responseElements()).isNull();
        }
    }

    @Test
    void theCustomizerChangesTheEventLast() {
        try (Harness h = Harness.create()) {
            AuditedMethod plan = AuditedMethod.of(method("view"), audited("view"));
            h.actionTrail
                    .callRecorder()
                    .record(plan, call("view", new Object[] {"o-1"}, null, null), b -> b.userIdentity(
                                    UserIdentity.builder(UserIdentity.Type.USER)
                                            .userName("ada")
                                            .build())
                            .additionalEventData(Map.of("httpStatus", 200)));
            AuditEvent event = h.onlyEvent();
            assertThat(event.userIdentity()).extracting(UserIdentity::userName).isEqualTo("ada");
            assertThat(event.additionalEventData()).containsEntry("httpStatus", 200L);
            assertThat(event.eventType()).isEqualTo(EventType.CONSOLE_OPERATION);
        }
    }

    @Test
    void anEventBuiltNowAndRecordedLaterIsTheEventRecordWouldHaveRecorded() {
        try (Harness now = Harness.create();
                Harness later = Harness.create()) {
            AuditedMethod plan = AuditedMethod.of(method("create"), audited("create"));
            Invocation call = call("create", new Object[] {"sku-1", "1234", "trace-9"}, new Order("o-sku-1", 1), null);
            now.actionTrail.callRecorder().record(plan, call, b -> b.errorMessage("from the integration"));
            AuditEvent built =
                    later.actionTrail.callRecorder().event(plan, call, b -> b.errorMessage("from the integration"));
            assertThat(later.events()).as("built, not recorded").isEmpty();
            later.actionTrail.record(java.util.Objects.requireNonNull(built));
            AuditEvent recorded = later.onlyEvent();
            AuditEvent direct = now.onlyEvent();
            assertThat(recorded.eventName()).isEqualTo(direct.eventName());
            assertThat(recorded.resourceName()).isEqualTo("o-sku-1");
            assertThat(recorded.requestParameters()).isEqualTo(direct.requestParameters());
            assertThat(recorded.errorMessage()).isEqualTo("from the integration");
            assertThat(recorded.eventTime()).isEqualTo(direct.eventTime());
        }
    }

    @Test
    void anEventThatCannotBeBuiltIsNullAndCounted() {
        try (Harness h = Harness.create()) {
            AuditedMethod plan = AuditedMethod.of(method("view"), audited("view"));
            assertThat(h.actionTrail.callRecorder().event(plan, call("view", new Object[] {"o-1"}, null, null), b -> {
                        throw new IllegalStateException("integration bug");
                    }))
                    .isNull();
            assertThat(h.actionTrail.captureStats().dropped())
                    .containsEntry(DeliveryListener.Dropped.INTERNAL_ERROR, 1L);
        }
    }

    @Test
    void aCustomizerThatThrowsDropsTheEventCountedAndNeverThrows() {
        try (Harness h = Harness.create()) {
            AuditedMethod plan = AuditedMethod.of(method("view"), audited("view"));
            assertThatCode(() -> h.actionTrail
                            .callRecorder()
                            .record(plan, call("view", new Object[] {"o-1"}, null, null), b -> {
                                throw new IllegalStateException("integration bug");
                            }))
                    .doesNotThrowAnyException();
            assertThat(h.events()).isEmpty();
            assertThat(h.actionTrail.captureStats().dropped())
                    .containsEntry(DeliveryListener.Dropped.INTERNAL_ERROR, 1L);
        }
    }

    @Test
    void aCustomizerThatThrowsACheckedExceptionOrAnErrorIsCountedToo() {
        Throwable badMessage = new IllegalStateException() {
            @Override
            public String getMessage() {
                throw new UnsupportedOperationException("no description either");
            }
        };
        try (Harness h = Harness.create()) {
            AuditedMethod plan = AuditedMethod.of(method("view"), audited("view"));
            CallRecorder calls = h.actionTrail.callRecorder();
            for (Throwable thrown :
                    List.of(new java.io.IOException("checked"), new AssertionError("assert"), badMessage)) {
                assertThatCode(() -> calls.record(plan, call("view", new Object[] {"o-1"}, null, null), b -> {
                            CallRecorderTest.<RuntimeException>sneakyThrow(thrown);
                        }))
                        .as("%s", thrown.getClass())
                        .doesNotThrowAnyException();
            }
            assertThat(h.events()).isEmpty();
            assertThat(h.actionTrail.captureStats().dropped())
                    .containsEntry(DeliveryListener.Dropped.INTERNAL_ERROR, 3L);
        }
    }

    @Test
    void hostileArgumentsGiveASafeRecord() {
        Object throwingToString = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no");
            }
        };
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        try (Harness h = Harness.create(b -> b.maxStringLength(16))) {
            AuditedMethod plan = AuditedMethod.of(method("describe"), audited("describe"));
            CallRecorder calls = h.actionTrail.callRecorder();
            calls.record(plan, call("describe", new Object[] {throwingToString}, null, null));
            calls.record(plan, call("describe", new Object[] {cyclic}, null, null));
            calls.record(plan, call("describe", new Object[] {"a string longer than sixteen chars"}, null, null));
            calls.record(plan, call("describe", null, null, null));
            List<AuditEvent> events = h.events();
            assertThat(events).hasSize(4);
            assertThat(events.get(0).requestParameters()).containsKey("anything");
            assertThat(String.valueOf(events.get(1).requestParameters())).contains("<cycle>");
            assertThat(String.valueOf(
                            CaptureTestSupport.requestParameters(events.get(2)).get("anything")))
                    .as("this ActionTrail's maxStringLength applies")
                    .startsWith("a string longer ")
                    .doesNotContain("sixteen chars");
            assertThat(events.get(3).requestParameters()).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("NullAway") // what a caller without null checking may pass
    void anInvocationWithoutArgumentsHasAnEmptyArray() {
        Invocation invocation = new Invocation(method("describe"), null, null, null, null, Instant.EPOCH, 0);
        assertThat(invocation.arguments()).isEmpty();
        assertThat(invocation.succeeded()).isTrue();
        assertThat(new Invocation(method("describe"), null, null, null, new RuntimeException(), Instant.EPOCH, 0)
                        .succeeded())
                .isFalse();
    }
}
