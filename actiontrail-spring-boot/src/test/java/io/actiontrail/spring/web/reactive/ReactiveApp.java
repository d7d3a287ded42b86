package io.actiontrail.spring.web.reactive;

import io.actiontrail.Audited;
import io.actiontrail.test.InMemoryAuditSink;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A WebFlux application as they are written: JSON and form controllers, functional routes, HTTP Basic, URL rules. */
@SpringBootApplication
public class ReactiveApp {

    @Bean
    InMemoryAuditSink testSink() {
        return InMemoryAuditSink.create();
    }

    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
        return http.csrf(csrf -> csrf.disable())
                .httpBasic(Customizer.withDefaults())
                .authorizeExchange(rules -> rules.pathMatchers("/admin/**")
                        .hasRole("ADMIN")
                        .anyExchange()
                        .permitAll())
                .build();
    }

    @Bean
    MapReactiveUserDetailsService users() {
        return new MapReactiveUserDetailsService(
                User.withUsername("alice")
                        .password("{noop}alice-pw")
                        .roles("USER")
                        .build(),
                User.withUsername("bob").password("{noop}bob-pw").roles("ADMIN").build());
    }

    @Bean
    RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .POST("/routes/orders", request -> ServerResponse.status(HttpStatus.CREATED)
                        .build())
                .DELETE("/routes/orders/{orderId}", request -> ServerResponse.noContent()
                        .build())
                .GET("/routes/orders/{orderId}", request -> ServerResponse.ok().bodyValue("order"))
                .build();
    }

    /** A form object, validated. */
    public static class Owner {
        @NotBlank
        private String lastName = "";

        @Pattern(regexp = "\\d{10}")
        private String telephone = "";

        public String getLastName() {
            return lastName;
        }

        public void setLastName(String lastName) {
            this.lastName = lastName;
        }

        public String getTelephone() {
            return telephone;
        }

        public void setTelephone(String telephone) {
            this.telephone = telephone;
        }
    }

    @Service
    public static class StockService {
        @Audited(eventName = "ReserveStock", resourceType = "Order", resourceName = "#orderId")
        public Mono<String> reserve(String orderId) {
            if (orderId.startsWith("bad")) {
                return Mono.error(new IllegalStateException("no stock for " + orderId));
            }
            return Mono.delay(Duration.ofMillis(50)).map(tick -> "reservation-" + orderId);
        }

        @Audited(eventName = "ListStockLevels", resourceType = "Warehouse", resourceName = "#warehouse")
        public Flux<Integer> levels(String warehouse) {
            if (warehouse.startsWith("bad")) {
                return Flux.concat(Flux.just(1), Flux.error(new IllegalStateException("warehouse offline")));
            }
            return Flux.just(3, 1, 4).delayElements(Duration.ofMillis(10));
        }
    }

    @RestController
    public static class OrderController {
        private final StockService stock;

        public OrderController(StockService stock) {
            this.stock = stock;
        }

        @PostMapping("/orders")
        @ResponseStatus(HttpStatus.CREATED)
        public Mono<Map<String, Object>> create(@RequestBody Map<String, Object> order) {
            return Mono.just(Map.of("id", "o-1", "item", String.valueOf(order.get("item"))));
        }

        @PutMapping("/orders/{orderId}")
        public Mono<String> update(@PathVariable String orderId, @RequestParam(required = false) String note) {
            return Mono.just("updated " + orderId);
        }

        @DeleteMapping("/orders/{orderId}")
        public Mono<Void> delete(@PathVariable String orderId) {
            return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + orderId));
        }

        @PostMapping("/orders/{orderId}/fail")
        public Mono<Void> fail(@PathVariable String orderId) {
            return Mono.error(new IllegalStateException("payment service down"));
        }

        @GetMapping("/orders/{orderId}")
        public Mono<String> get(@PathVariable String orderId) {
            return Mono.just("order " + orderId);
        }

        @PostMapping("/orders/{orderId}/ship")
        @Audited(eventName = "ShipOrder", resourceType = "Order", resourceName = "#orderId")
        public Mono<String> ship(@PathVariable String orderId) {
            return stock.reserve(orderId);
        }

        @PostMapping(path = "/owners", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
        public Mono<String> addOwner(@Valid @ModelAttribute Owner owner) {
            return Mono.just("added " + owner.getLastName());
        }

        @PostMapping("/admin/purge")
        public Mono<String> purge() {
            return Mono.just("purged");
        }
    }

    /** An API declared on an interface, as generated API interfaces are: the mapping and parameters live there. */
    public interface ParcelsApi {
        @PostMapping("/parcels/{parcelId}/labels")
        Mono<String> printLabel(@PathVariable("parcelId") String parcelId, @RequestParam("format") String format);
    }

    @RestController
    public static class ParcelsController implements ParcelsApi {
        @Override
        public Mono<String> printLabel(String parcelId, String format) {
            return Mono.just("label of " + parcelId + " as " + format);
        }
    }
}
