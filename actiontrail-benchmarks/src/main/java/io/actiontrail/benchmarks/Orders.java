package io.actiontrail.benchmarks;

import io.actiontrail.Audited;
import java.math.BigDecimal;
import java.util.List;

/**
 * The business interface every caller-cost benchmark calls: one write with a typical request, audited as
 * {@code CreateOrder} with its arguments snapshotted to JSON.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface Orders {

    /** Creates an order and returns it. */
    @Audited(eventName = "CreateOrder", resourceType = "Order", resourceName = "#result.id")
    Order createOrder(String customerId, OrderRequest request);

    /**
     * A typical request: a few scalar fields and two line items.
     *
     * @param sku the product
     * @param quantity how many
     * @param unitPrice the price of one
     * @param currency the currency
     * @param shippingAddress where to
     * @param lines the line items
     */
    record OrderRequest(
            String sku,
            int quantity,
            BigDecimal unitPrice,
            String currency,
            String shippingAddress,
            List<Line> lines) {}

    /**
     * A line item.
     *
     * @param sku the product
     * @param quantity how many
     */
    record Line(String sku, int quantity) {}

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
