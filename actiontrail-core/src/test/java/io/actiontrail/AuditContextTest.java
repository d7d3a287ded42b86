package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.actiontrail.CaptureTestSupport.Harness;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-request who and where: copied into events, scoped to a thread, carried to other threads on request. */
class AuditContextTest {

    private static final UserIdentity ALICE = UserIdentity.user("u-42", "alice");
    private static final UserIdentity BOB = UserIdentity.user("u-7", "bob");

    interface Orders {
        @Audited(eventName = "CreateOrder")
        void create(String id);

        @Audited(eventName = "Sync", eventType = EventType.SERVICE_EVENT)
        void sync();
    }

    private Harness harness;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        harness = Harness.create();
        pool = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "audit-context-test-pool"));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        harness.close();
        assertThat(AuditContext.current()).as("no test leaks a context").isSameAs(AuditContext.empty());
    }

    private static AuditContext.Builder aliceRequest() {
        return AuditContext.builder()
                .identity(ALICE)
                .sourceIpAddress("203.0.113.7")
                .userAgent("curl/8.5")
                .requestId("req-1")
                .eventType(EventType.CONSOLE_OPERATION);
    }

    private void recordEvent(String name) {
        harness.record(AuditEvent.builder(name).build());
    }

    /** Runs {@code task} on the pool thread and returns its result. */
    private <T> T onPool(Callable<T> task) throws Exception {
        return pool.submit(task).get(10, TimeUnit.SECONDS);
    }

    // --- one thread ---

    @Test
    void contextIsCopiedIntoEventsRecordedInsideTheScope() {
        try (AuditContext.Scope scope = aliceRequest().open()) {
            assertThat(AuditContext.current()).isSameAs(scope.context());
            recordEvent("CreateOrder");
        }

        AuditEvent event = harness.onlyEvent();
        assertThat(event.userIdentity()).isEqualTo(ALICE);
        assertThat(event.sourceIpAddress()).isEqualTo("203.0.113.7");
        assertThat(event.userAgent()).isEqualTo("curl/8.5");
        assertThat(event.requestId()).isEqualTo("req-1");
        assertThat(event.eventType()).isEqualTo(EventType.CONSOLE_OPERATION);
    }

    @Test
    void contextIsCopiedIntoEventsOfAuditedCalls() {
        Orders orders = harness.proxy(Orders.class, new NoOpOrders());

        try (AuditContext.Scope scope = aliceRequest().open()) {
            assertThat(scope.context().identity()).isEqualTo(ALICE);
            orders.create("o-1");
            orders.sync();
        }

        List<AuditEvent> events = harness.events();
        assertThat(events).hasSize(2).allSatisfy(e -> {
            assertThat(e.userIdentity()).isEqualTo(ALICE);
            assertThat(e.requestId()).isEqualTo("req-1");
        });
        assertThat(events.get(0).eventType()).isEqualTo(EventType.CONSOLE_OPERATION);
        assertThat(events.get(1).eventType())
                .as("the annotation's event type wins")
                .isEqualTo(EventType.SERVICE_EVENT);
    }

    @Test
    void eventsOwnValuesWinOverTheContext() {
        try (AuditContext.Scope scope = aliceRequest().open()) {
            assertThat(scope.context().requestId()).isEqualTo("req-1");
            harness.record(AuditEvent.builder("SignIn")
                    .userIdentity(BOB)
                    .sourceIpAddress("198.51.100.1")
                    .userAgent("browser/1")
                    .requestId("req-own")
                    .eventType(EventType.CONSOLE_SIGNIN)
                    .build());
        }

        AuditEvent event = harness.onlyEvent();
        assertThat(event.userIdentity()).isEqualTo(BOB);
        assertThat(event.sourceIpAddress()).isEqualTo("198.51.100.1");
        assertThat(event.userAgent()).isEqualTo("browser/1");
        assertThat(event.requestId()).isEqualTo("req-own");
        assertThat(event.eventType()).isEqualTo(EventType.CONSOLE_SIGNIN);
    }

    @Test
    void nestedScopeRestoresTheOuterOneOnClose() {
        try (AuditContext.Scope outer = aliceRequest().open()) {
            try (AuditContext.Scope inner =
                    AuditContext.builder().identity(BOB).requestId("req-2").open()) {
                assertThat(AuditContext.current()).isSameAs(inner.context());
                recordEvent("Inner");
            }
            assertThat(AuditContext.current()).isSameAs(outer.context());
            recordEvent("Outer");
        }

        List<AuditEvent> events = harness.events();
        assertThat(events.get(0).userIdentity()).isEqualTo(BOB);
        assertThat(events.get(0).sourceIpAddress())
                .as("the inner context has no IP")
                .isNull();
        assertThat(events.get(1).userIdentity()).isEqualTo(ALICE);
        assertThat(events.get(1).requestId()).isEqualTo("req-1");
    }

    @Test
    void closingAScopeTwiceIsHarmless() {
        AuditContext.Scope outer = aliceRequest().open();
        try {
            AuditContext.Scope inner = AuditContext.builder().identity(BOB).open();
            inner.close();
            inner.close();

            assertThat(AuditContext.current()).isSameAs(outer.context());
        } finally {
            outer.close();
        }
        outer.close();

        assertThat(AuditContext.current()).isSameAs(AuditContext.empty());
    }

    @Test
    void afterTheScopeNothingIsCopied() {
        try (AuditContext.Scope scope = aliceRequest().open()) {
            assertThat(scope.context().userAgent()).isEqualTo("curl/8.5");
        }

        assertThat(AuditContext.current()).isSameAs(AuditContext.empty());
        recordEvent("Later");
        AuditEvent event = harness.onlyEvent();
        assertThat(event.userIdentity()).isEqualTo(UserIdentity.anonymous());
        assertThat(event.sourceIpAddress()).isNull();
        assertThat(event.requestId()).isNull();
        assertThat(event.eventType()).isEqualTo(EventType.API_CALL);
    }

    @Test
    void derivedContextKeepsTheValuesItDoesNotOverride() {
        try (AuditContext.Scope outer = aliceRequest().open();
                AuditContext.Scope derived =
                        outer.context().toBuilder().requestId("req-1.1").open()) {
            assertThat(AuditContext.current()).isSameAs(derived.context());
            recordEvent("Derived");
        }

        AuditEvent event = harness.onlyEvent();
        assertThat(event.userIdentity()).isEqualTo(ALICE);
        assertThat(event.sourceIpAddress()).isEqualTo("203.0.113.7");
        assertThat(event.requestId()).isEqualTo("req-1.1");
    }

    // --- other threads ---

    @Test
    void contextDoesNotReachAnotherThreadUnlessWrapped() throws Exception {
        try (AuditContext.Scope scope = aliceRequest().open()) {
            assertThat(scope.context().identity()).isEqualTo(ALICE);
            assertThat(onPool(AuditContext::current)).isSameAs(AuditContext.empty());
        }
    }

    @Test
    void wrappedExecutorCarriesTheSubmittersContextToThePoolThread() throws Exception {
        Executor executor = AuditContext.wrap(pool);
        AtomicReference<String> recordingThread = new AtomicReference<>();

        try (AuditContext.Scope scope = aliceRequest().open()) {
            assertThat(scope.context().identity()).isEqualTo(ALICE);
            CompletableFuture.runAsync(
                            () -> {
                                recordingThread.set(Thread.currentThread().getName());
                                recordEvent("CreateOrder");
                            },
                            executor)
                    .get(10, TimeUnit.SECONDS);
        }

        assertThat(recordingThread).hasValue("audit-context-test-pool");
        AuditEvent event = harness.onlyEvent();
        assertThat(event.userIdentity()).isEqualTo(ALICE);
        assertThat(event.requestId()).isEqualTo("req-1");
        assertThat(event.sourceIpAddress()).isEqualTo("203.0.113.7");
        assertThat(onPool(AuditContext::current))
                .as("the pool thread is clean afterwards")
                .isSameAs(AuditContext.empty());
    }

    @Test
    void wrappedExecutorUsesTheContextOfEachSubmission() throws Exception {
        Executor executor = AuditContext.wrap(pool);

        try (AuditContext.Scope alice = aliceRequest().open()) {
            assertThat(alice.context().identity()).isEqualTo(ALICE);
            CompletableFuture.runAsync(() -> recordEvent("First"), executor).get(10, TimeUnit.SECONDS);
        }
        try (AuditContext.Scope bob = AuditContext.builder().identity(BOB).open()) {
            assertThat(bob.context().identity()).isEqualTo(BOB);
            CompletableFuture.runAsync(() -> recordEvent("Second"), executor).get(10, TimeUnit.SECONDS);
        }

        List<AuditEvent> events = harness.events();
        assertThat(events).extracting(AuditEvent::userIdentity).containsExactly(ALICE, BOB);
    }

    @Test
    void wrappedRunnableCarriesTheContextCapturedWhenWrapped() throws Exception {
        Runnable task;
        try (AuditContext.Scope scope = aliceRequest().open()) {
            assertThat(scope.context().identity()).isEqualTo(ALICE);
            task = AuditContext.wrap(() -> recordEvent("Later"));
        }

        pool.submit(task).get(10, TimeUnit.SECONDS);

        assertThat(harness.onlyEvent().userIdentity()).isEqualTo(ALICE);
        assertThat(onPool(AuditContext::current)).isSameAs(AuditContext.empty());
    }

    @Test
    void wrappedCallableCarriesTheContextCapturedWhenWrapped() throws Exception {
        Callable<String> task;
        try (AuditContext.Scope scope = aliceRequest().open()) {
            assertThat(scope.context().identity()).isEqualTo(ALICE);
            task = AuditContext.wrap(() -> {
                recordEvent("Later");
                return String.valueOf(AuditContext.current().requestId());
            });
        }

        assertThat(onPool(task)).isEqualTo("req-1");

        assertThat(harness.onlyEvent().userIdentity()).isEqualTo(ALICE);
        assertThat(onPool(AuditContext::current)).isSameAs(AuditContext.empty());
    }

    @Test
    void poolThreadIsCleanEvenWhenTheWrappedTaskThrows() throws Exception {
        IllegalStateException thrown = new IllegalStateException("task failed");
        Callable<String> task;
        try (AuditContext.Scope scope = aliceRequest().open()) {
            assertThat(scope.context().identity()).isEqualTo(ALICE);
            task = AuditContext.wrap(() -> {
                throw thrown;
            });
        }

        Throwable caught = catchThrowable(() -> onPool(task));

        assertThat(caught).isInstanceOf(ExecutionException.class).hasCause(thrown);
        assertThat(onPool(AuditContext::current)).isSameAs(AuditContext.empty());
    }

    @Test
    void wrappedTaskSubmittedWithoutAContextHidesAContextLeftOnThePoolThread() throws Exception {
        // some other code left a context bound on the pool thread
        onPool(() -> AuditContext.builder().identity(BOB).open());
        Executor executor = AuditContext.wrap(pool);

        CompletableFuture.runAsync(() -> recordEvent("System"), executor).get(10, TimeUnit.SECONDS);

        assertThat(harness.onlyEvent().userIdentity()).isEqualTo(UserIdentity.anonymous());
        assertThat(onPool(() -> AuditContext.current().identity()))
                .as("the pool thread's own binding is restored")
                .isEqualTo(BOB);
    }

    static final class NoOpOrders implements Orders {
        @Override
        public void create(String id) {}

        @Override
        public void sync() {}
    }
}
