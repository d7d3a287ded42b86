package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.DeliveryListener;
import io.actiontrail.Durability;
import io.actiontrail.UserIdentity;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.trail.Trail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The data and the set-up shared by the benchmarks. Stateless and thread-safe. */
final class Fixtures {

    /** The system property naming the directory for journals and log files; the JVM's temp dir by default. */
    static final String DIR_PROPERTY = "actiontrail.bench.dir";

    static final String CUSTOMER = "cust-00042";
    static final Orders.OrderRequest REQUEST = new Orders.OrderRequest("SKU-1000-BLUE-XL", 3, new BigDecimal("19.99"));

    private Fixtures() {}

    static Orders.Order order(String customerId, Orders.OrderRequest request) {
        return new Orders.Order(
                "ord-20260101-000042",
                customerId,
                request.unitPrice().multiply(BigDecimal.valueOf(request.quantity())));
    }

    /** The fields every alternative records for one call: the same as {@link #event}'s. */
    static Map<String, Object> fields(String resourceName) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("customerId", CUSTOMER);
        request.put("sku", REQUEST.sku());
        request.put("quantity", REQUEST.quantity());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("eventName", "CreateOrder");
        fields.put("userName", "alice");
        fields.put("principalId", "u-1234");
        fields.put("sourceIpAddress", "203.0.113.7");
        fields.put("requestId", "req-7f3a9c2e");
        fields.put("resourceType", "Order");
        fields.put("resourceName", resourceName);
        fields.put("outcome", "Success");
        fields.put("requestParameters", request);
        return fields;
    }

    /** A typical event, about 540 bytes of JSON once ActionTrail has filled its defaults. */
    static AuditEvent event(String resourceName) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("customerId", CUSTOMER);
        request.put("sku", REQUEST.sku());
        request.put("quantity", REQUEST.quantity());
        return AuditEvent.builder("CreateOrder")
                .userIdentity(UserIdentity.user("u-1234", "alice"))
                .sourceIpAddress("203.0.113.7")
                .requestId("req-7f3a9c2e")
                .resource("Order", resourceName)
                .requestParameters(request)
                .build();
    }

    /** Builds an instance with one trail per sink, named {@code t0}, {@code t1}, ... */
    static ActionTrail actionTrail(Durability durability, @Nullable Path dir, AuditSink... sinks) {
        return actionTrail(durability, dir, DeliveryListener.NOOP, sinks);
    }

    /** Like {@link #actionTrail(Durability, Path, AuditSink...)}, telling {@code listener} of deliveries. */
    static ActionTrail actionTrail(
            Durability durability, @Nullable Path dir, DeliveryListener listener, AuditSink... sinks) {
        ActionTrail.Builder builder = ActionTrail.builder()
                .serviceName("bench")
                .durability(durability)
                .deliveryListener(listener)
                .shutdownHook(false);
        if (dir != null) {
            builder.dataDir(dir);
        }
        for (int i = 0; i < sinks.length; i++) {
            builder.trail(Trail.builder("t" + i).sink(sinks[i]).build());
        }
        return builder.build();
    }

    /** Creates a fresh directory on the disk the benchmarks write to. */
    static Path tempDir(String prefix) {
        try {
            String base = System.getProperty(DIR_PROPERTY);
            return base == null
                    ? Files.createTempDirectory(prefix)
                    : Files.createTempDirectory(Files.createDirectories(Path.of(base)), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(@Nullable Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts the lines of a file. */
    static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
