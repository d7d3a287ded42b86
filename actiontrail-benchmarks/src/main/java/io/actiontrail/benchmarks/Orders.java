package io.actiontrail.benchmarks;

import io.actiontrail.Audited;
import java.math.BigDecimal;

/**
 * The business interface every caller-cost benchmark calls: one write with a small request, audited as
 * {@code CreateOrder} with its arguments snapshotted to JSON.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface Orders {

    /** Creates an order and returns it. */
    @Audited(eventName = "CreateOrder", resourceType = "Order", resourceName = "#result.id")
    Order createOrder(String customerId, OrderRequest request);

    /**
     * A typical request.
     *
     * @param sku the product
     * @param quantity how many
     * @param unitPrice the price of one
     */
    record OrderRequest(String sku, int quantity, BigDecimal unitPrice) {}

    /**
     * The created order.
     *
     * @param id the order id
     * @param customerId the customer
     * @param total the total
     */
    record Order(String id, String customerId, BigDecimal total) {}

    /** The plain implementation: builds the result and nothing else. Stateless and thread-safe. */
    final class Plain implements Orders {

        @Override
        public Order createOrder(String customerId, OrderRequest request) {
            return Fixtures.order(customerId, request);
        }
    }
}
