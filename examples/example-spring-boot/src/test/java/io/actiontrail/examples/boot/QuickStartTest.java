package io.actiontrail.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.spring.autoconfigure.ActionTrailBuilderCustomizer;
import io.actiontrail.test.InMemoryAuditSink;
import io.actiontrail.trail.Trail;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * Starts the example as the README does and makes the README's curl calls; a second trail into an in-memory sink
 * shows what the default SLF4J trail logs.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a journal of its own, apart from the one a developer's spring-boot:run keeps in ./actiontrail-data
        properties = "actiontrail.data-dir=target/test-journal/${random.uuid}")
class QuickStartTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestConfiguration
    static class CapturedTrail {
        static final InMemoryAuditSink SINK = InMemoryAuditSink.create();

        @Bean
        ActionTrailBuilderCustomizer capturedTrail() {
            return builder -> builder.trail(Trail.builder("captured").sink(SINK).build());
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    io.actiontrail.ActionTrail actionTrail;

    @Test
    void theDocumentedCallsProduceTheDocumentedEvents() throws Exception {
        assertThat(actionTrail.trails()).extracting(Trail::name).containsExactly("main", "captured");
        assertThat(actionTrail.trails().get(0).sinks()).containsOnlyKeys("slf4j");

        // curl -u alice:alice-pw -H 'Content-Type: application/json' -H 'X-Request-Id: req-1'
        //      -d '{"name":"Ada","email":"ada@example.com","password":"s3cret"}' localhost:8080/customers
        HttpResponse<String> customer = call(
                "POST",
                "/customers",
                "alice:alice-pw",
                "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"password\":\"s3cret\"}",
                "X-Request-Id",
                "req-1");
        assertThat(customer.statusCode()).isEqualTo(201);
        assertThat(customer.headers().firstValue("X-Request-Id")).contains("req-1");
        String customerId = customer.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");

        // curl -u alice:alice-pw -H 'Content-Type: application/json' -H 'X-Forwarded-For: 203.0.113.7'
        //      -d '{"customerId":"c-101","sku":"book","quantity":2}' localhost:8080/orders
        HttpResponse<String> order = call(
                "POST",
                "/orders",
                "alice:alice-pw",
                "{\"customerId\":\"" + customerId + "\",\"sku\":\"book\",\"quantity\":2}",
                "X-Forwarded-For",
                "203.0.113.7");
        assertThat(order.statusCode()).isEqualTo(201);
        String orderId = order.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");

        // curl -u bob:bob-pw -X DELETE localhost:8080/orders/o-1001
        assertThat(call("DELETE", "/orders/" + orderId, "bob:bob-pw", "").statusCode())
                .isEqualTo(403);
        // curl -u bob:bob-pw -H 'Content-Type: application/json'
        //      -d '{"customerId":"c-101","sku":"pen","quantity":0}' localhost:8080/orders
        assertThat(call(
                                "POST",
                                "/orders",
                                "bob:bob-pw",
                                "{\"customerId\":\"" + customerId + "\",\"sku\":\"pen\",\"quantity\":0}")
                        .statusCode())
                .isEqualTo(400);
        // curl -u mallory:guess localhost:8080/orders
        assertThat(call("GET", "/orders", "mallory:guess", "").statusCode()).isEqualTo(401);

        InMemoryAuditSink sink = CapturedTrail.SINK;
        await().until(() -> sink.size() >= 5);
        List<AuditEvent> events = sink.events();
        assertThat(events)
                .extracting(AuditEvent::eventName)
                .containsExactlyInAnyOrder(
                        "RegisterCustomer", "CreateOrder", "DeleteOrder", "CreateOrder", "ConsoleSignin");

        AuditEvent registered = find(events, "RegisterCustomer", "alice");
        assertThat(user(registered)).isEqualTo("alice");
        assertThat(registered.requestId()).isEqualTo("req-1");
        assertThat(registered.resourceName()).isEqualTo(customerId);
        assertThat(registered.toJson()).contains("\"password\":\"<redacted>\"").doesNotContain("s3cret");

        AuditEvent created = find(events, "CreateOrder", "alice");
        assertThat(created.sourceIpAddress())
                .as("X-Forwarded-For from an untrusted client")
                .isEqualTo("127.0.0.1");
        assertThat(created.resourceName()).isEqualTo(orderId);
        assertThat(created.outcome()).isEqualTo(Outcome.SUCCESS);

        AuditEvent denied = find(events, "DeleteOrder", "bob");
        assertThat(user(denied)).isEqualTo("bob");
        assertThat(denied.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(denied.resourceName()).isEqualTo(orderId);

        AuditEvent invalid = find(events, "CreateOrder", "bob");
        assertThat(invalid.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(invalid.errorCode()).isEqualTo("IllegalArgumentException");

        AuditEvent signIn = find(events, "ConsoleSignin", "HIDDEN_DUE_TO_SECURITY_REASONS");
        assertThat(signIn.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(user(signIn)).isEqualTo("HIDDEN_DUE_TO_SECURITY_REASONS");
    }

    private static AuditEvent find(List<AuditEvent> events, String name, String user) {
        return events.stream()
                .filter(e -> e.eventName().equals(name) && user(e).equals(user))
                .findFirst()
                .orElseThrow();
    }

    private static String user(AuditEvent event) {
        return String.valueOf(Objects.requireNonNull(event.userIdentity()).userName());
    }

    private HttpResponse<String> call(String method, String path, String credentials, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
