package io.actiontrail.spring;

import io.actiontrail.Audited;
import io.actiontrail.EventRW;
import io.actiontrail.Sensitive;

/** Beans with {@code @Audited} methods for the tests. */
public final class AuditedServices {

    private AuditedServices() {}

    public record Order(String id, String sku, int quantity) {}

    /** A bean with well-formed {@code @Audited} methods. */
    public static class OrderService {
        @Audited(eventName = "CreateOrder", resourceType = "Order", resourceName = "#result.id")
        public Order create(String sku, int quantity) {
            if (quantity <= 0) {
                throw new IllegalArgumentException("quantity must be positive: " + quantity);
            }
            return new Order("o-" + sku, sku, quantity);
        }

        @Audited(resourceType = "Order", resourceName = "#order.id", eventRW = EventRW.READ)
        public String describe(Order order) {
            return order.sku();
        }

        @Audited(eventName = "SetPin", resourceName = "#root.methodName")
        public void setPin(String customerId, @Sensitive String pin) {}

        public String unaudited() {
            return "plain";
        }
    }

    /** A bean whose {@code @Audited} methods Spring AOP cannot intercept. */
    /** Audited on the interface; a bean of it may be an interface-based (JDK) proxy, whose methods are final. */
    public interface Greeter {
        @Audited(eventName = "Greet")
        String greet(String name);
    }

    public static class BlindSpots {
        @Audited(eventName = "Refund")
        public final void refund(String orderId) {}

        @Audited(eventName = "Cancel")
        public void cancel(String orderId) {}

        public void cancelAll() {
            cancel("o-1");
            cancel("o-2");
        }
    }

    /** A bean whose {@code @Audited} expression names no parameter. */
    public static class Misconfigured {
        @Audited(resourceName = "#ordr.id")
        public void ship(Order order) {}
    }
}
