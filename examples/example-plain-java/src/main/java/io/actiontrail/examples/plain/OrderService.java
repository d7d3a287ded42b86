package io.actiontrail.examples.plain;

import io.actiontrail.Audited;
import io.actiontrail.EventRW;
import io.actiontrail.Sensitive;

/** The business operations the example audits. Implementations need not be thread-safe. */
public interface OrderService {

    /** Places an order; recorded as {@code CreateOrder} on the new order's id. */
    @Audited(eventName = "CreateOrder", resourceType = "Order", resourceName = "#result.id", captureResult = true)
    Order create(OrderRequest request);

    /** Reads an order; recorded as a read. */
    @Audited(eventName = "GetOrder", resourceType = "Order", resourceName = "#orderId", eventRW = EventRW.READ)
    Order get(String orderId);

    /** Cancels an order; fails for unknown orders and for orders of another customer. */
    @Audited(eventName = "CancelOrder", resourceType = "Order", resourceName = "#orderId")
    void cancel(String orderId);

    /** Sets the payment PIN of a customer; the PIN never reaches the audit log. */
    @Audited(eventName = "SetPaymentPin", resourceType = "Customer", resourceName = "#customerId")
    void setPaymentPin(String customerId, @Sensitive String pin);

    /** What a customer asks for. Immutable and thread-safe. */
    record OrderRequest(String customerId, String sku, int quantity, String cardToken) {}

    /** A placed order. Immutable and thread-safe. */
    record Order(String id, String customerId, String sku, int quantity) {}
}
