package io.actiontrail.examples.boot;

import io.actiontrail.Audited;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Orders and customers over HTTP. Every POST, PUT, PATCH and DELETE handler is audited by the starter without any
 * annotation; {@code @Audited} names the event and its resource. Thread-safe.
 */
@RestController
public class OrdersController {

    /** An order. */
    public record Order(String id, String customerId, String sku, int quantity) {}

    /** What it takes to place an order. */
    public record OrderRequest(String customerId, String sku, int quantity) {}

    private final Customers customers;
    private final Map<String, Order> orders = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(1000);

    OrdersController(Customers customers) {
        this.customers = customers;
    }

    @PostMapping("/customers")
    @Audited(eventName = "RegisterCustomer", resourceType = "Customer", resourceName = "#result.id")
    ResponseEntity<Customers.Customer> registerCustomer(@RequestBody Customers.Registration registration) {
        return ResponseEntity.status(HttpStatus.CREATED).body(customers.register(registration));
    }

    @PostMapping("/customers/{from}/merge-into/{into}")
    Customers.Customer mergeCustomer(@PathVariable String from, @PathVariable String into) {
        return customers.merge(from, into);
    }

    @GetMapping("/customers")
    List<Customers.Customer> listCustomers() {
        return customers.list();
    }

    @PostMapping("/orders")
    @Audited(eventName = "CreateOrder", resourceType = "Order", resourceName = "#result.id")
    ResponseEntity<Order> createOrder(@RequestBody OrderRequest request) {
        customers.get(request.customerId()); // 404 for an unknown customer
        if (request.quantity() <= 0) {
            throw new IllegalArgumentException("quantity must be positive: " + request.quantity());
        }
        Order order = new Order("o-" + ids.incrementAndGet(), request.customerId(), request.sku(), request.quantity());
        orders.put(order.id(), order);
        return ResponseEntity.status(HttpStatus.CREATED).body(order);
    }

    @GetMapping("/orders")
    List<Order> listOrders() {
        return List.copyOf(orders.values());
    }

    @DeleteMapping("/orders/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    @Audited(eventName = "DeleteOrder", resourceType = "Order", resourceName = "#id")
    ResponseEntity<Void> deleteOrder(@PathVariable String id) {
        if (orders.remove(id) == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + id);
        }
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
    }
}
