package io.actiontrail.examples.plain;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditContext;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import io.actiontrail.trail.EventSelector;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs an audited order service: two users place, read and cancel orders, some operations fail, and every event is
 * written by the SLF4J sink to standard output as one JSON line.
 */
public final class PlainJavaExample {

    private PlainJavaExample() {}

    /** Runs the example. */
    @SuppressWarnings("try") // the context scopes are used for their close() only
    public static void main(String[] args) throws InterruptedException {
        try (ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("orders")
                .region("cn-hangzhou")
                .trail(Trail.builder("audit-log")
                        .selector(EventSelector.all())
                        .sink(Slf4jAuditSink.create())
                        .build())
                .build()) {

            OrderService orders = actionTrail.proxy(OrderService.class, new InMemoryOrderService());

            System.out.println("== alice places and reads an order, and sets her PIN (the PIN is redacted)");
            String aliceOrder;
            try (AuditContext.Scope scope = AuditContext.builder()
                    .identity(UserIdentity.user("u-1", "alice"))
                    .sourceIpAddress("203.0.113.7")
                    .userAgent("orders-cli/1.4")
                    .requestId("req-1")
                    .open()) {
                aliceOrder = orders.create(new OrderService.OrderRequest("u-1", "BOOK-42", 2, "tok_4242"))
                        .id();
                orders.get(aliceOrder);
                orders.setPaymentPin("u-1", "9876");
            }

            System.out.println("== bob tries to cancel alice's order (Denied) and an unknown one (Failure)");
            try (AuditContext.Scope scope = AuditContext.builder()
                    .identity(UserIdentity.user("u-2", "bob"))
                    .sourceIpAddress("198.51.100.23")
                    .eventType(EventType.CONSOLE_OPERATION)
                    .requestId("req-2")
                    .open()) {
                tryRun(() -> orders.cancel(aliceOrder));
                tryRun(() -> orders.cancel("o-404"));
                tryRun(() -> orders.create(new OrderService.OrderRequest("u-2", "PEN-1", 0, "tok_0000")));
            }

            System.out.println("== a background job records on another thread, with the submitter's context");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (AuditContext.Scope scope = AuditContext.builder()
                    .identity(UserIdentity.system("nightly-reconciliation"))
                    .eventType(EventType.SERVICE_EVENT)
                    .open()) {
                AuditContext.wrap(pool)
                        .execute(() -> actionTrail.record(AuditEvent.builder("ReconcileOrders")
                                .resourceType("OrderBook")
                                .additionalEventData("checked", 2)
                                .outcome(Outcome.SUCCESS)
                                .build()));
            } finally {
                pool.shutdown();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }

            actionTrail.flush(Duration.ofSeconds(10));
            TrailStatus.SinkStatus status = actionTrail.status("audit-log").sink("slf4j");
            System.out.println("== trail 'audit-log': recorded=" + status.recorded() + " delivered="
                    + status.delivered() + " pending=" + status.pending() + " dropped=" + status.droppedTotal());
        }
    }

    private static void tryRun(Runnable operation) {
        try {
            operation.run();
        } catch (RuntimeException e) {
            System.out.println("   caller saw: " + e);
        }
    }
}
