package io.actiontrail.spring.web.webapp;

import io.actiontrail.Audited;
import io.actiontrail.test.InMemoryAuditSink;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Orders behind HTTP basic and form login, audited by the starter into an in-memory sink. */
@SpringBootApplication
@EnableMethodSecurity
public class TestWebApp {

    /** A request to create an order; the password is there to be redacted. */
    public record OrderRequest(String sku, int quantity, String password) {}

    /** An order. */
    public record Order(String id, String sku, int quantity) {}

    /** An AuditSink bean: with no trail declared, the default trail delivers to it. */
    @Bean
    InMemoryAuditSink testSink() {
        return InMemoryAuditSink.create();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice")
                        .password("{noop}alice-pw")
                        .roles("ADMIN")
                        .build(),
                User.withUsername("bob").password("{noop}bob-pw").roles("USER").build());
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.requestMatchers(HttpMethod.POST, "/orders/*/ship")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .httpBasic(Customizer.withDefaults())
                .formLogin(form -> form.successHandler((request, response, auth) -> response.setStatus(200))
                        .failureHandler((request, response, e) -> response.setStatus(401)))
                .logout(logout -> logout.logoutSuccessHandler((request, response, auth) -> response.setStatus(200)))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /** The audited controller. */
    @RestController
    static class Orders {
        private final Map<String, Order> orders = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger(1000);

        @PostMapping("/orders")
        @Audited(eventName = "CreateOrder", resourceType = "Order", resourceName = "#result.id")
        ResponseEntity<Order> createOrder(@RequestBody OrderRequest request) {
            if (request.quantity() <= 0) {
                throw new IllegalArgumentException("quantity must be positive: " + request.quantity());
            }
            Order order = new Order("o-" + ids.incrementAndGet(), request.sku(), request.quantity());
            orders.put(order.id(), order);
            return ResponseEntity.status(HttpStatus.CREATED).body(order);
        }

        @GetMapping("/orders/{id}")
        Order getOrder(@PathVariable String id) {
            Order order = orders.get(id);
            if (order == null) {
                throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + id);
            }
            return order;
        }

        @DeleteMapping("/orders/{id}")
        @PreAuthorize("hasRole('ADMIN')")
        @Audited(resourceType = "Order", resourceName = "#id")
        ResponseEntity<Void> deleteOrder(@PathVariable String id) {
            if (orders.remove(id) == null) {
                throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + id);
            }
            return ResponseEntity.noContent().build();
        }

        @PostMapping("/orders/{id}/ship")
        Order shipOrder(@PathVariable String id) {
            throw new IllegalStateException("the warehouse is closed");
        }

        @ExceptionHandler(IllegalArgumentException.class)
        ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
            return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
        }
    }
}
