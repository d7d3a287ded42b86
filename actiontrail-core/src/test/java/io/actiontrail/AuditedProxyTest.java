package io.actiontrail;

import static io.actiontrail.CaptureTestSupport.object;
import static io.actiontrail.CaptureTestSupport.requestParameters;
import static io.actiontrail.CaptureTestSupport.responseElements;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.actiontrail.CaptureTestSupport.Harness;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Audited} methods called through {@link ActionTrail#proxy}: what each call records, and what it does not. */
class AuditedProxyTest {

    interface OrderService {
        @Audited
        Order create(@Nullable Order order);

        @Audited(eventName = "CancelOrder", resourceType = "Order", resourceName = "#order.id")
        void cancel(@Nullable Order order);

        @Audited(eventName = "ShipOrder", resourceType = "Order", resourceName = "#args[0].id")
        void ship(Order order, String carrier);

        @Audited(
                eventName = "GetOrder",
                resourceType = "Order",
                resourceName = "#p0",
                eventRW = EventRW.READ,
                eventType = EventType.CONSOLE_OPERATION,
                eventCategory = EventCategory.DATA)
        @Nullable
        Order get(String id);

        @Audited(eventName = "PlaceOrder", resourceType = "Order", resourceName = "#result.id", captureResult = true)
        Order place(Cart cart);

        @Audited(eventName = "FindOrder", resourceName = "#result.id", captureResult = true, eventRW = EventRW.READ)
        @Nullable
        Order find(String id);

        @Audited(eventName = "CountOrders", captureResult = true, eventRW = EventRW.READ)
        int count(String status);

        @Audited(eventName = "SignIn", captureArgs = false)
        void signIn(String userName, String passphrase);

        @Audited(eventName = "Refund")
        void refund(String orderId, long cents) throws PaymentException;

        @Audited(eventName = "DeleteOrder", resourceType = "Order", resourceName = "#id")
        void delete(String id);

        String describe();
    }

    /** Behaves as told by the test: returns orders, or throws the failure it was given. */
    static final class DefaultOrderService implements OrderService {
        @Nullable
        RuntimeException nextFailure;

        @Nullable
        PaymentException nextPaymentFailure;

        int describeCalls;

        private void failIfTold() {
            RuntimeException failure = nextFailure;
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public Order create(@Nullable Order order) {
            return order != null ? order : new Order("o-new", 0);
        }

        @Override
        public void cancel(@Nullable Order order) {}

        @Override
        public void ship(Order order, String carrier) {}

        @Override
        public @Nullable Order get(String id) {
            return new Order(id, 100);
        }

        @Override
        public Order place(Cart cart) {
            failIfTold();
            return new Order("o-77", cart.cents());
        }

        @Override
        public @Nullable Order find(String id) {
            return null;
        }

        @Override
        public int count(String status) {
            return 42;
        }

        @Override
        public void signIn(String userName, String passphrase) {}

        @Override
        public void refund(String orderId, long cents) throws PaymentException {
            PaymentException failure = nextPaymentFailure;
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void delete(String id) {
            failIfTold();
        }

        @Override
        public String describe() {
            describeCalls++;
            return "orders v1";
        }

        @Override
        public String toString() {
            return "DefaultOrderService";
        }
    }

    private static final Instant START = Instant.parse("2025-06-01T10:00:00.123Z");

    private Harness harness;
    private DefaultOrderService target;
    private OrderService orders;

    @BeforeEach
    void setUp() {
        harness = Harness.create(b -> b.clock(Clock.fixed(START, ZoneOffset.UTC)));
        target = new DefaultOrderService();
        orders = harness.proxy(OrderService.class, target);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    // --- names, resources, flags ---

    @Test
    void eventIsNamedAfterTypeAndMethodByDefault() {
        Order order = new Order("o-1", 250);

        assertThat(orders.create(order)).isSameAs(order);

        AuditEvent event = harness.onlyEvent();
        assertThat(event.eventName()).isEqualTo("OrderService.create");
        assertThat(event.eventTime()).isEqualTo(START);
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.eventRW()).isEqualTo(EventRW.WRITE);
        assertThat(event.eventType()).isEqualTo(EventType.API_CALL);
        assertThat(event.eventCategory()).isEqualTo(EventCategory.MANAGEMENT);
        assertThat(event.serviceName()).isEqualTo("svc");
        assertThat(event.durationMs()).isNotNull().isGreaterThanOrEqualTo(0L);
        assertThat(event.errorCode()).isNull();
        assertThat(event.responseElements())
                .as("captureResult is off by default")
                .isNull();
        assertThat(object(requestParameters(event), "order"))
                .containsEntry("id", "o-1")
                .containsEntry("cents", 250L);
    }

    @Test
    void explicitNameAndResourceFromAParameterName() {
        orders.cancel(new Order("o-1", 1));

        AuditEvent event = harness.onlyEvent();
        assertThat(event.eventName()).isEqualTo("CancelOrder");
        assertThat(event.resourceType()).isEqualTo("Order");
        assertThat(event.resourceName()).isEqualTo("o-1");
    }

    @Test
    void resourceFromAnIndexedArgument() {
        orders.ship(new Order("o-2", 1), "dhl");

        AuditEvent event = harness.onlyEvent();
        assertThat(event.resourceName()).isEqualTo("o-2");
        assertThat(requestParameters(event)).containsEntry("carrier", "dhl");
    }

    @Test
    void resourceFromAPositionalParameterAndFlagsFromTheAnnotation() {
        orders.get("o-5");

        AuditEvent event = harness.onlyEvent();
        assertThat(event.resourceName()).isEqualTo("o-5");
        assertThat(event.eventRW()).isEqualTo(EventRW.READ);
        assertThat(event.eventType()).isEqualTo(EventType.CONSOLE_OPERATION);
        assertThat(event.eventCategory()).isEqualTo(EventCategory.DATA);
    }

    @Test
    void resourceFromTheResultAndBeanResultAsResponseElements() {
        Order placed = orders.place(new Cart(List.of("sku-1"), 990));

        assertThat(placed.id()).isEqualTo("o-77");
        AuditEvent event = harness.onlyEvent();
        assertThat(event.resourceName()).isEqualTo("o-77");
        assertThat(responseElements(event))
                .containsOnlyKeys("id", "cents")
                .containsEntry("id", "o-77")
                .containsEntry("cents", 990L);
        assertThat(object(requestParameters(event), "cart")).containsEntry("items", List.of("sku-1"));
    }

    @Test
    void scalarResultIsWrappedInResponseElements() {
        assertThat(orders.count("open")).isEqualTo(42);

        assertThat(responseElements(harness.onlyEvent())).containsExactly(Map.entry("result", 42L));
    }

    @Test
    void nullResultGivesNoResourceNameAndANullResult() {
        assertThat(orders.find("o-404")).isNull();

        AuditEvent event = harness.onlyEvent();
        assertThat(event.resourceName()).isNull();
        assertThat(responseElements(event)).hasSize(1).containsEntry("result", null);
    }

    @Test
    void nullParameterGivesNoResourceNameAndIsRecordedAsNull() {
        orders.cancel(null);

        AuditEvent event = harness.onlyEvent();
        assertThat(event.resourceType()).isEqualTo("Order");
        assertThat(event.resourceName()).isNull();
        assertThat(requestParameters(event)).hasSize(1).containsEntry("order", null);
        assertThat(event.toJson()).doesNotContain("resourceName");
    }

    @Test
    void nullParameterOfAMethodWithoutExpressionsIsRecorded() {
        assertThat(orders.create(null).id()).isEqualTo("o-new");

        assertThat(requestParameters(harness.onlyEvent())).hasSize(1).containsEntry("order", null);
    }

    @Test
    void argumentsAreLeftOutWhenCaptureArgsIsOff() {
        orders.signIn("alice", "correct horse battery staple");

        AuditEvent event = harness.onlyEvent();
        assertThat(event.eventName()).isEqualTo("SignIn");
        assertThat(event.requestParameters()).isNull();
        assertThat(event.toJson()).doesNotContain("alice").doesNotContain("battery");
    }

    @Test
    void primitiveArgumentsAreRecordedByParameterName() {
        assertThat(catchThrowable(() -> orders.refund("o-1", 500))).isNull();

        assertThat(requestParameters(harness.onlyEvent()))
                .containsEntry("orderId", "o-1")
                .containsEntry("cents", 500L);
    }

    // --- failures ---

    @Test
    void failedCallIsRecordedAndTheCallerGetsTheSameException() {
        IllegalStateException thrown = new IllegalStateException("stock service down");
        target.nextFailure = thrown;

        Throwable caught = catchThrowable(() -> orders.delete("o-9"));

        assertThat(caught).isSameAs(thrown);
        AuditEvent event = harness.onlyEvent();
        assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(event.errorCode()).isEqualTo("IllegalStateException");
        assertThat(event.errorMessage()).isEqualTo("stock service down");
        assertThat(event.resourceName()).as("parameter expressions still apply").isEqualTo("o-9");
        assertThat(event.durationMs()).isNotNull().isGreaterThanOrEqualTo(0L);
    }

    @Test
    void failedCallHasNoResultBasedValues() {
        IllegalArgumentException thrown = new IllegalArgumentException("empty cart");
        target.nextFailure = thrown;

        Throwable caught = catchThrowable(() -> orders.place(new Cart(List.of(), 0)));

        assertThat(caught).isSameAs(thrown);
        AuditEvent event = harness.onlyEvent();
        assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(event.resourceName()).isNull();
        assertThat(event.responseElements()).isNull();
        assertThat(event.requestParameters()).isNotNull();
    }

    @Test
    void checkedExceptionReachesTheCallerUnwrapped() {
        PaymentException thrown = new PaymentException("card declined");
        target.nextPaymentFailure = thrown;

        Throwable caught = catchThrowable(() -> orders.refund("o-1", 500));

        assertThat(caught).isSameAs(thrown);
        AuditEvent event = harness.onlyEvent();
        assertThat(event.errorCode()).isEqualTo("PaymentException");
        assertThat(event.errorMessage()).isEqualTo("card declined");
    }

    @Test
    void securityExceptionIsRecordedAsDenied() {
        SecurityException thrown = new SecurityException("not your order");
        target.nextFailure = thrown;

        assertThat(catchThrowable(() -> orders.delete("o-9"))).isSameAs(thrown);

        AuditEvent event = harness.onlyEvent();
        assertThat(event.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(event.errorCode()).isEqualTo("SecurityException");
    }

    @Test
    void exceptionNamedLikeAccessDeniedIsRecordedAsDenied() {
        AccessDeniedException thrown = new AccessDeniedException("role orders:delete required");
        target.nextFailure = thrown;

        assertThat(catchThrowable(() -> orders.delete("o-9"))).isSameAs(thrown);

        AuditEvent event = harness.onlyEvent();
        assertThat(event.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(event.errorCode()).isEqualTo("AccessDeniedException");
        assertThat(event.errorMessage()).isEqualTo("role orders:delete required");
    }

    @Test
    void subclassOfADenialIsRecordedAsDenied() {
        target.nextFailure = new OrderLocked("o-9");

        assertThat(catchThrowable(() -> orders.delete("o-9"))).isInstanceOf(OrderLocked.class);

        AuditEvent event = harness.onlyEvent();
        assertThat(event.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(event.errorCode()).isEqualTo("OrderLocked");
    }

    // --- what is not audited ---

    @Test
    void methodWithoutAuditedPassesThroughWithoutAnEvent() {
        assertThat(orders.describe()).isEqualTo("orders v1");

        assertThat(target.describeCalls).isEqualTo(1);
        assertThat(harness.events()).isEmpty();
    }

    @Test
    void objectMethodsOfTheProxyWork() {
        OrderService other = harness.proxy(OrderService.class, target);
        Object same = orders;

        assertThat(orders.equals(same)).isTrue();
        assertThat(orders.equals(other)).isFalse();
        assertThat(orders.equals(target)).isFalse();
        assertThat(orders.hashCode()).isEqualTo(System.identityHashCode(orders));
        assertThat(orders.toString()).isEqualTo("ActionTrail proxy of DefaultOrderService");
        assertThat(Set.of(orders, other)).hasSize(2);
        assertThat(harness.events()).isEmpty();
    }

    @Test
    void auditedOnTheImplementationIsHonoured() {
        Greeter greeter = harness.proxy(Greeter.class, new AnnotatedGreeter());

        assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada");

        AuditEvent event = harness.onlyEvent();
        assertThat(event.eventName()).isEqualTo("Greet");
        assertThat(event.eventRW()).isEqualTo(EventRW.READ);
        assertThat(requestParameters(event)).containsEntry("name", "Ada");
    }

    @Test
    void concurrentCallsAreEachRecorded() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Callable<Void> caller = () -> {
                for (int i = 0; i < 100; i++) {
                    orders.get("o-" + i);
                }
                return null;
            };
            List<Future<Void>> futures = pool.invokeAll(List.of(caller, caller, caller, caller));
            for (Future<Void> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<AuditEvent> events = harness.events();
        assertThat(events).hasSize(400);
        Set<String> ids = new HashSet<>();
        events.forEach(e -> ids.add(e.eventId()));
        assertThat(ids).hasSize(400);
    }

    // --- configuration errors fail fast ---

    @Test
    void proxyOfAClassIsRejected() {
        assertThatThrownBy(() -> harness.proxy(NotAnInterface.class, new NotAnInterface()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(NotAnInterface.class.getName());
    }

    @Test
    void unknownParameterNameIsRejectedAtProxyCreation() {
        assertThatThrownBy(() -> harness.proxy(UnknownParameter.class, id -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'#orderId'")
                .hasMessageContaining("UnknownParameter.remove")
                .hasMessageContaining("no parameter named 'orderId'");
    }

    @Test
    void resultOfAVoidMethodIsRejectedAtProxyCreation() {
        assertThatThrownBy(() -> harness.proxy(ResultOfVoid.class, id -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'#result.id'")
                .hasMessageContaining("returns void");
    }

    @Test
    void malformedExpressionIsRejectedAtProxyCreation() {
        assertThatThrownBy(() -> harness.proxy(Malformed.class, id -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'#id..value'");
    }

    @Test
    void moreThanOneEventTypeIsRejectedAtProxyCreation() {
        assertThatThrownBy(() -> harness.proxy(TwoEventTypes.class, id -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than one eventType");
    }

    @Test
    void rejectedProxyRecordsNothing() {
        assertThat(catchThrowable(() -> harness.proxy(Malformed.class, id -> {})))
                .isNotNull();

        assertThat(harness.events()).isEmpty();
    }

    // --- fixtures ---

    record Order(String id, long cents) {}

    record Cart(List<String> items, long cents) {}

    static final class PaymentException extends Exception {
        private static final long serialVersionUID = 1L;

        PaymentException(String message) {
            super(message);
        }
    }

    static final class AccessDeniedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AccessDeniedException(String message) {
            super(message);
        }
    }

    /** Not named like a denial itself, but a subclass of one. */
    static final class OrderLocked extends SecurityException {
        private static final long serialVersionUID = 1L;

        OrderLocked(String orderId) {
            super("order " + orderId + " is locked");
        }
    }

    interface Greeter {
        String greet(String name);
    }

    static final class AnnotatedGreeter implements Greeter {
        @Override
        @Audited(eventName = "Greet", eventRW = EventRW.READ)
        public String greet(String name) {
            return "Hello, " + name;
        }
    }

    static final class NotAnInterface {}

    interface UnknownParameter {
        @Audited(resourceName = "#orderId")
        void remove(String id);
    }

    interface ResultOfVoid {
        @Audited(resourceName = "#result.id")
        void remove(String id);
    }

    interface Malformed {
        @Audited(resourceName = "#id..value")
        void remove(String id);
    }

    interface TwoEventTypes {
        @Audited(eventType = {EventType.API_CALL, EventType.SERVICE_EVENT})
        void remove(String id);
    }
}
