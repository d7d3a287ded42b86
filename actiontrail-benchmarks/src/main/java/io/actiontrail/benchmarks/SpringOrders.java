package io.actiontrail.benchmarks;

import io.actiontrail.Audited;

/**
 * The same implementation as {@link Orders.Plain}, as a Spring bean audited by the starter's AOP advisor.
 * Stateless and thread-safe.
 */
public final class SpringOrders implements Orders {

    @Override
    @Audited(eventName = "CreateOrder", resourceType = "Order", resourceName = "#result.id")
    public Order createOrder(String customerId, OrderRequest request) {
        return Fixtures.order(customerId, request);
    }
}
