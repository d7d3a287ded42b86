package io.actiontrail.benchmarks;

import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The events of the query benchmarks, the same for the journal and for Lucene: event {@code i} of {@code count} is a
 * function of both and of the start time only. They span {@link #SPAN 7 days} evenly, oldest first, and vary like a
 * multi-tenant application's: {@value #USERS} users in {@value #TENANTS} tenants (each user with its own principal id
 * and client address), five operations on orders, 95 % successes, 3 % failures and 2 % denials, one order per event
 * (its primary resource, so a lookup by resource has one match) referencing one of {@value #CUSTOMERS} customers
 * (whose timeline is the events that name it) and, every other event, one of {@value #PRODUCTS} products.
 *
 * <p>Stateless and thread-safe.
 */
final class QueryData {

    static final int USERS = 1000;
    static final int TENANTS = 20;
    static final int CUSTOMERS = 10_000;
    static final int PRODUCTS = 500;
    static final Duration SPAN = Duration.ofDays(7);

    private static final String[] OPERATIONS = {"CreateOrder", "GetOrder", "UpdateOrder", "CancelOrder", "ShipOrder"};

    private static final String[] TENANT_IDS = new String[TENANTS];

    static {
        for (int t = 0; t < TENANTS; t++) {
            TENANT_IDS[t] = String.format(Locale.ROOT, "tenant-%02d", t);
        }
    }

    private QueryData() {}

    /** Returns the start of the events' span: {@link #SPAN} before the current hour. */
    static Instant start() {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(SPAN);
    }

    static String userName(int user) {
        return "user-" + user;
    }

    static String customer(int customer) {
        return "cust-" + customer;
    }

    static String order(long i) {
        return "ord-" + i;
    }

    /** Returns event {@code i} of {@code count} spread over the 7 days from {@code start}. */
    static AuditEvent event(long i, long count, Instant start) {
        long h = mix(i);
        int user = (int) Long.remainderUnsigned(h, USERS);
        int tenant = user % TENANTS;
        int operation = (int) Long.remainderUnsigned(h >>> 12, OPERATIONS.length);
        int customer = (int) Long.remainderUnsigned(h >>> 20, CUSTOMERS);
        int roll = (int) ((h >>> 40) % 100);
        AuditEvent.Builder b = Fixtures.event(order(i)).toBuilder()
                .eventName(OPERATIONS[operation])
                .eventTime(start.plusMillis(i * SPAN.toMillis() / count))
                .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                        .principalId("u-" + user)
                        .userName(userName(user))
                        .accountId(TENANT_IDS[tenant])
                        .build())
                .sourceIpAddress("10." + tenant + "." + (user / 200) + "." + (user % 200 + 1))
                .requestId("req-" + Long.toHexString(h >>> 16))
                .referencedResource("Customer", customer(customer));
        if ((h & 1) == 0) {
            b.referencedResource("Product", "sku-" + Long.remainderUnsigned(h >>> 50, PRODUCTS));
        }
        if (roll < 2) {
            b.outcome(Outcome.DENIED).errorCode("AccessDenied").errorMessage("not allowed for this tenant");
        } else if (roll < 5) {
            b.outcome(Outcome.FAILURE).errorCode("OrderLocked").errorMessage("the order is being shipped");
        }
        return b.build();
    }

    /** Returns the bytes of the files under {@code dir} by the suffix of their names ({@code .jsonl}, …). */
    static Map<String, Long> bytesBySuffix(Path dir) {
        Map<String, Long> bytes = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                int dot = name.lastIndexOf('.');
                bytes.merge(dot < 0 ? name : name.substring(dot), Files.size(p), Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    /** Returns how many files directly in {@code dir} have names ending with {@code suffix}. */
    static long filesEndingWith(Path dir, String suffix) {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the bytes of the files in {@code dir} that have an index file beside them, named like them plus
     * {@code indexSuffix}: what that index covers.
     */
    static long indexedBytes(Path dir, String indexSuffix) {
        long bytes = 0;
        try (Stream<Path> paths = Files.list(dir)) {
            for (Path p : paths.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(indexSuffix)) {
                    Path covered = p.resolveSibling(name.substring(0, name.length() - indexSuffix.length()));
                    if (Files.exists(covered)) {
                        bytes += Files.size(covered);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    /** Describes {@link #bytesBySuffix} in MB. */
    static String describe(Map<String, Long> bytes) {
        StringBuilder s = new StringBuilder();
        bytes.forEach((suffix, n) -> s.append(s.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.1f MB", suffix, n / 1e6)));
        return s.toString();
    }

    /** SplitMix64's finalizer: a well-spread hash of {@code i}. */
    private static long mix(long i) {
        long z = i * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
