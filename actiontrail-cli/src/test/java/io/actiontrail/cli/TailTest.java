package io.actiontrail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tail} follows a running service's journal: its appends, the segments it rolls to, nothing twice. */
class TailTest {

    @TempDir
    Path dataDir;

    private final List<ActionTrail> services = new ArrayList<>();
    private final List<Thread> tails = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Thread t : tails) {
            t.interrupt();
            t.join(10_000);
        }
        services.forEach(s -> s.close(Duration.ofSeconds(5)));
    }

    private ActionTrail service() {
        ActionTrail service = Journals.service(dataDir);
        services.add(service);
        return service;
    }

    /** Starts {@code tail} on its own thread; its status lands in {@code status} when the thread is interrupted. */
    private Output tail(AtomicInteger status, String... args) {
        Output out = new Output();
        Output err = new Output();
        List<String> all = new ArrayList<>(List.of("tail", "--data-dir", dataDir.toString()));
        all.addAll(List.of(args));
        Thread t = new Thread(() -> status.set(new Cli(out.stream, err.stream).run(all.toArray(String[]::new))));
        tails.add(t);
        t.start();
        await().atMost(Journals.TIMEOUT).until(() -> err.text().contains("Following "));
        return out;
    }

    private static List<String> ids(Output out) {
        return out.lines().stream().map(l -> AuditEvent.fromJson(l).eventId()).toList();
    }

    @Test
    void printsTheLastTenThenEveryEventTheServiceAppendsOnceInOrder() throws InterruptedException {
        ActionTrail service = service();
        Journals.seed(service, 0, 500);
        List<String> before = Journals.ids(service.eventStore(), "");
        AtomicInteger status = new AtomicInteger(-1);
        Output out = tail(status, "--json");

        Thread writer = new Thread(() -> Journals.seed(service, 500, 3500));
        writer.start();
        writer.join();

        List<String> all = Journals.ids(service.eventStore(), "");
        assertThat(all).hasSize(3500);
        await().atMost(Journals.TIMEOUT).until(() -> out.lines().size() >= 10 + 3000);
        List<String> expected = new ArrayList<>(before.subList(0, 10));
        java.util.Collections.reverse(expected);
        List<String> appended = new ArrayList<>(all.subList(0, 3000));
        java.util.Collections.reverse(appended);
        expected.addAll(appended);
        assertThat(ids(out)).containsExactlyElementsOf(expected);
        assertThat(service.journalStatus().segments()).isGreaterThan(3); // it followed the rolls

        tails.get(0).interrupt();
        tails.get(0).join(10_000);
        assertThat(status).hasValue(0);
    }

    @Test
    void printsOnlyMatchingEventsFromNowAsColumns() {
        ActionTrail service = service();
        Journals.seed(service, 0, 100);
        AtomicInteger status = new AtomicInteger(-1);
        Output out = tail(status, "--from-now", "resource:Order/o-7", "outcome:failure,denied");

        Journals.seed(service, 100, 1100);

        List<AuditEvent> expected = new ArrayList<>();
        for (String id : Journals.ids(service.eventStore(), "resource:Order/o-7 outcome:failure,denied")) {
            AuditEvent e = service.eventStore()
                    .lookup(io.actiontrail.query.LookupQuery.builder()
                            .eventId(id)
                            .startTime(java.time.Instant.EPOCH)
                            .build())
                    .events()
                    .get(0);
            expected.add(0, e);
        }
        List<AuditEvent> appended = expected.stream()
                .filter(e -> e.requestParameters() != null
                        && Integer.parseInt(String.valueOf(Objects.requireNonNull(e.requestParameters())
                                                .get("note"))
                                        .substring("seed-".length()))
                                >= 100)
                .toList();
        assertThat(appended).isNotEmpty();
        await().atMost(Journals.TIMEOUT).until(() -> out.lines().size() >= 1 + appended.size());
        List<String> lines = out.lines();
        assertThat(lines.get(0)).startsWith("TIME").contains("OUTCOME");
        assertThat(lines).hasSize(1 + appended.size());
        for (int i = 0; i < appended.size(); i++) {
            AuditEvent e = appended.get(i);
            assertThat(lines.get(i + 1))
                    .contains(e.eventName(), "Order/o-7")
                    .endsWith(Objects.requireNonNull(e.outcome()).wireName());
        }
    }
}
