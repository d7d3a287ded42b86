package io.actiontrail.cli;

import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.query.EventStore;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import io.actiontrail.query.SearchSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Journals written by a real {@link ActionTrail}, as the service the CLI reads would write them. */
final class Journals {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A user name a spreadsheet would run as a formula. */
    static final String FORMULA_USER = "=HYPERLINK(\"http://attacker.example\")";

    /** A resource name with a terminal escape sequence. */
    static final String ESCAPE_RESOURCE = "o-\u001b[2J\u001b[31mred";

    private Journals() {}

    /** A service's ActionTrail journaling into {@code dir}, rolling small segments so that there are several. */
    static ActionTrail service(Path dir) {
        return ActionTrail.builder()
                .serviceName("orders")
                .shutdownHook(false)
                .dataDir(dir)
                .segmentBytes(256 * 1024)
                // the CLI's tests compare the directory's listing while this service runs: no insights files
                .insights(io.actiontrail.insights.Insights.disabled())
                .build();
    }

    static AuditEvent event(int i) {
        String[] actions = {"CreateOrder", "GetOrder", "DeleteOrder", "UpdateOrder"};
        Outcome[] outcomes = {Outcome.SUCCESS, Outcome.SUCCESS, Outcome.FAILURE, Outcome.DENIED, Outcome.SUCCESS};
        return AuditEvent.builder(actions[i % actions.length])
                .userIdentity(UserIdentity.user("p-" + (i % 10), "u-" + (i % 10)))
                .resource("Order", "o-" + (i % 50))
                .sourceIpAddress((i % 3 == 0 ? "10.0.0." : "192.168.1.") + (i % 200))
                .outcome(outcomes[i % outcomes.length])
                .requestParameter("note", "seed-" + i)
                .build();
    }

    /** Records events {@code [from, to)} and waits until they are all on disk. */
    static void seed(ActionTrail service, int from, int to) {
        long expected = service.journalStatus().nextPosition() + (to - from);
        for (int i = from; i < to; i++) {
            service.record(event(i));
        }
        await().atMost(TIMEOUT).until(() -> service.journalStatus().nextPosition() == expected);
    }

    /** Records one event whose user name is a formula and whose resource name holds an escape sequence. */
    static void seedHostile(ActionTrail service) {
        long before = service.journalStatus().nextPosition();
        service.record(AuditEvent.builder("ExportCustomers")
                .userIdentity(UserIdentity.user("p-x", FORMULA_USER))
                .resource("Order", ESCAPE_RESOURCE)
                .sourceIpAddress("203.0.113.9")
                .outcome(Outcome.SUCCESS)
                .build());
        await().atMost(TIMEOUT).until(() -> service.journalStatus().nextPosition() == before + 1);
    }

    /** Every page of a search in {@code store}, as event ids, as the CLI's searches do (the whole journal). */
    static List<String> ids(EventStore store, String search) {
        List<String> ids = new ArrayList<>();
        LookupQuery.Builder builder = SearchSyntax.parse(search).maxResults(LookupQuery.MAX_MAX_RESULTS);
        if (builder.build().startTime() == null) {
            builder.startTime(java.time.Instant.EPOCH);
        }
        LookupQuery query = builder.build();
        while (query != null) {
            LookupResult page = store.lookup(query);
            page.events().forEach(e -> ids.add(e.eventId()));
            query = query.next(page);
        }
        return ids;
    }

    /** Every file under {@code dir} with its size, modification time and SHA-256. */
    static Map<String, String> listing(Path dir) throws IOException {
        Map<String, String> listing = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = dir.relativize(file).toString();
                if (Files.isDirectory(file)) {
                    listing.put(name + "/", Files.getLastModifiedTime(file).toString());
                } else {
                    listing.put(name, Files.size(file) + " " + Files.getLastModifiedTime(file) + " " + sha256(file));
                }
            }
        }
        return listing;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
