package io.actiontrail.examples.boot;

import io.actiontrail.Audited;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;

/** The customers, in memory. Thread-safe. */
@Service
public class Customers {

    /** A customer; the portal password is never recorded (redacted by its name). */
    public record Customer(String id, String name, String email) {}

    /** What it takes to register a customer. */
    public record Registration(String name, String email, String password) {}

    private final Map<String, Customer> customers = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(100);

    /** Registers a customer. */
    public Customer register(Registration registration) {
        if (registration.email().indexOf('@') < 0) {
            throw new IllegalArgumentException("not an email address: " + registration.email());
        }
        Customer customer = new Customer("c-" + ids.incrementAndGet(), registration.name(), registration.email());
        customers.put(customer.id(), customer);
        return customer;
    }

    /** Returns a customer. */
    public Customer get(String id) {
        Customer customer = customers.get(id);
        if (customer == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no customer " + id);
        }
        return customer;
    }

    /**
     * Merges one customer into another: a business operation audited wherever it is called from, through
     * {@code @Audited} on this bean.
     */
    @Audited(eventName = "MergeCustomers", resourceType = "Customer", resourceName = "#into")
    public Customer merge(String from, String into) {
        Customer target = get(into);
        if (customers.remove(from) == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no customer " + from);
        }
        return target;
    }

    /** Returns every customer. */
    public List<Customer> list() {
        return List.copyOf(customers.values());
    }
}
