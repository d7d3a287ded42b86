package io.actiontrail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.ReadOnlyJournal;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code console} over a running service's journal, asked over real HTTP: the token it printed is required, the answers
 * are the journal's, each call is audited to the CLI's own ActionTrail and nothing is written to the directory.
 */
class ConsoleTest {

    private static final Pattern TOKEN = Pattern.compile("(?m)^Token: (\\S+)$");
    private static final Pattern API = Pattern.compile("(?m)^API: +(http://\\S+)/events$");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static ActionTrail service;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void seed() {
        service = Journals.service(dataDir);
        Journals.seed(service, 0, 2000);
    }

    @AfterAll
    static void stop() {
        service.close(Duration.ofSeconds(5));
    }

    private HttpResponse<String> get(String url, @Nullable String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String search) {
        return URLEncoder.encode(search, StandardCharsets.UTF_8);
    }

    @Test
    void servesTheJournalOverHttpToTheHolderOfThePrintedTokenOnly() throws Exception {
        Output out = new Output();
        Output err = new Output();
        AtomicInteger status = new AtomicInteger(-1);
        Thread console = new Thread(() -> status.set(
                new Cli(out.stream, err.stream).run("console", "--data-dir", dataDir.toString(), "--port", "0")));
        console.start();
        try {
            await().atMost(Journals.TIMEOUT)
                    .until(() -> TOKEN.matcher(out.text()).find() || !console.isAlive());
            String printed = out.text();
            Matcher token = TOKEN.matcher(printed);
            Matcher api = API.matcher(printed);
            assertThat(token.find()).as(printed + err.text()).isTrue();
            assertThat(api.find()).isTrue();
            String base = api.group(1);
            assertThat(base).startsWith("http://127.0.0.1:").endsWith("/actiontrail/api");
            assertThat(printed).containsOnlyOnce(token.group(1));
            assertThat(err.text()).doesNotContain(token.group(1));

            assertThat(get(base + "/events", null).statusCode()).isEqualTo(401);
            assertThat(get(base + "/events", "not-the-token").statusCode()).isEqualTo(401);

            HttpResponse<String> page =
                    get(base + "/events?maxResults=1000&q=" + q("resource:Order/o-7 after:2000-01-01"), token.group(1));
            assertThat(page.statusCode()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            JSON.readTree(page.body())
                    .get("events")
                    .forEach(e -> ids.add(e.get("eventId").asText()));
            assertThat(ids).hasSize(40).isEqualTo(Journals.ids(service.eventStore(), "resource:Order/o-7"));

            HttpResponse<String> one = get(base + "/events/" + ids.get(0), token.group(1));
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(AuditEvent.fromJson(one.body()).eventId()).isEqualTo(ids.get(0));

            JsonNode counts = JSON.readTree(get(base + "/counts?by=user&q=" + q("outcome:denied"), token.group(1))
                    .body());
            assertThat(counts.get("matched").asLong())
                    .isEqualTo(Journals.ids(service.eventStore(), "outcome:denied after:2000-01-01").stream()
                            .filter(id -> true)
                            .count());

            HttpResponse<String> bad = get(base + "/events?q=" + q("outcome:maybe"), token.group(1));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("position").asInt()).isEqualTo("outcome:".length());

            // the trails page describes the directory read, not the server's own in-memory instance
            JsonNode trails =
                    JSON.readTree(get(base + "/trails", token.group(1)).body());
            assertThat(trails.get("trails")).isEmpty();
            assertThat(trails.get("readOnly").asText()).isEqualTo(dataDir.toString());
            assertThat(trails.get("journal").get("durability").asText()).isEqualTo("read-only");
            assertThat(trails.get("journal").get("events").asLong()).isEqualTo(2000);
            assertThat(trails.get("journal").get("segments").asLong()).isPositive();

            HttpResponse<String> csv = get(base + "/export?format=csv&q=" + q("user:u-1"), token.group(1));
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.body().split("\r\n")).hasSize(1 + 200);
        } finally {
            console.interrupt();
            console.join(20_000);
        }
        assertThat(console.isAlive()).isFalse();
        assertThat(status).hasValue(0);
    }

    @Test
    void auditsEachCallToItsOwnActionTrailAndWritesNothingToTheJournal() throws Exception {
        Map<String, String> before = Journals.listing(dataDir);
        List<String> journalBefore = Journals.ids(service.eventStore(), "");
        try (ReadOnlyJournal journal = ActionTrail.openReadOnly(dataDir);
                ConsoleServer server = ConsoleServer.start(journal, ConsoleCommand.LOOPBACK, 0)) {
            String base = "http://127.0.0.1:" + server.port() + "/actiontrail/api";
            assertThat(server.context().getEnvironment().getProperty("server.address"))
                    .isEqualTo("127.0.0.1");
            assertThat(get(base + "/events?q=" + q("user:u-2"), server.token()).statusCode())
                    .isEqualTo(200);
            assertThat(get(base + "/events", "forged").statusCode()).isEqualTo(401);

            ActionTrail own = server.context().getBean(ActionTrail.class);
            await().atMost(Journals.TIMEOUT).untilAsserted(() -> assertThat(own.lookup(LookupQuery.builder()
                                    .eventName("LookupEvents")
                                    .startTime(Instant.EPOCH)
                                    .build())
                            .events())
                    .extracting(e -> String.valueOf(e.outcome()))
                    .containsExactlyInAnyOrder("SUCCESS", "DENIED"));
            assertThat(own.journalStatus().dataDir()).isNull(); // in memory: not the directory served
        }
        assertThat(Journals.ids(service.eventStore(), "")).isEqualTo(journalBefore);
        assertThat(Journals.ids(service.eventStore(), "action:LookupEvents")).isEmpty();
        service.flush(Duration.ofSeconds(5));
        assertThat(Journals.listing(dataDir)).isEqualTo(before);
    }

    @Test
    void servesTheWebConsoleWhenTheStarterShipsIt() throws Exception {
        boolean shipped = ConsoleServer.class.getResource("/io/actiontrail/spring/console/ui/index.html") != null;
        try (ReadOnlyJournal journal = ActionTrail.openReadOnly(dataDir);
                ConsoleServer server = ConsoleServer.start(journal, ConsoleCommand.LOOPBACK, 0)) {
            HttpResponse<String> page = get("http://127.0.0.1:" + server.port() + "/actiontrail/", null);
            if (shipped) {
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            } else {
                assertThat(page.statusCode()).isEqualTo(404);
            }
        }
    }
}
