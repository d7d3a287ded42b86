package io.actiontrail.examples.plain;

import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/** Keeps orders in a map. Not thread-safe. */
final class InMemoryOrderService implements OrderService {

    private final Map<String, Order> orders = new HashMap<>();
    private int next = 1000;

    @Override
    public Order create(OrderRequest request) {
        if (request.quantity() <= 0) {
            throw new IllegalArgumentException("quantity must be positive: " + request.quantity());
        }
        Order order = new Order("o-" + next++, request.customerId(), request.sku(), request.quantity());
        orders.put(order.id(), order);
        return order;
    }

    @Override
    public Order get(String orderId) {
        Order order = orders.get(orderId);
        if (order == null) {
            throw new NoSuchElementException("no order " + orderId);
        }
        return order;
    }

    @Override
    public void cancel(String orderId) {
        Order order = get(orderId);
        if (!order.customerId().equals(CurrentUser.id())) {
            throw new SecurityException("order " + orderId + " belongs to another customer");
        }
        orders.remove(orderId);
    }

    @Override
    public void setPaymentPin(String customerId, String pin) {
        // a real service would store a hash of the PIN
    }
}
