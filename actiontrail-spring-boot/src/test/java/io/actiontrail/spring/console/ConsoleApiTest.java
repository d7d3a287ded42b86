package io.actiontrail.spring.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.spring.console.app.ConsoleApp;
import io.actiontrail.spring.web.WebApps;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ActionTrail API on a real server behind HTTP basic: access, the audit of the audit, every endpoint, bad input. */
class ConsoleApiTest {

    @RegisterExtension
    static final WebApps.Running APP = WebApps.running(
            ConsoleApp.class, "actiontrail.console.enabled=true", "server.max-http-request-header-size=256KB");

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two hours ago, on the hour: the first recorded event's time. */
    private static Instant base = Instant.EPOCH;

    @BeforeAll
    static void recordEvents() {
        base = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        ActionTrail actionTrail = APP.bean(ActionTrail.class);
        for (int i = 0; i < 30; i++) {
            actionTrail.record(AuditEvent.builder(i % 3 == 0 ? "CreateOrder" : "GetOrder")
                    .eventTime(base.plusSeconds(i * 60L))
                    .eventRW(i % 3 == 0 ? EventRW.WRITE : EventRW.READ)
                    .eventType(EventType.API_CALL)
                    .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                            .userName(i % 2 == 0 ? "alice" : "carol")
                            .accountId("t-" + (i % 2 + 1))
                            .build())
                    .resource("Order", "o-" + (i % 5))
                    .outcome(i % 4 == 0 ? Outcome.FAILURE : Outcome.SUCCESS)
                    .userAgent(i == 7 ? "=HYPERLINK(\"http://evil\",\"x\")" : "curl/8")
                    .sourceIpAddress("203.0.113." + i)
                    .build());
        }
    }

    private static HttpResponse<String> get(String path, @Nullable String user, @Nullable String password)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(APP.url() + path)).GET();
        if (user != null) {
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> auditor(String path) throws IOException, InterruptedException {
        return get(path, "auditor", "auditor-pw");
    }

    private static String q(String search) {
        return URLEncoder.encode(search, StandardCharsets.UTF_8);
    }

    /**
     * The events of that name and outcome the API recorded about itself, once at least one has been delivered (the
     * sink is emptied before each test, but an earlier test's event may still arrive: the outcome tells them apart).
     */
    private static List<AuditEvent> recorded(String eventName, Outcome outcome) {
        return await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> APP.sink().events().stream()
                                .filter(e -> e.eventName().equals(eventName)
                                        && e.eventType() == EventType.CONSOLE_OPERATION
                                        && e.outcome() == outcome)
                                .toList(),
                        events -> !events.isEmpty());
    }

    @Test
    void anUnauthenticatedCallIs401AndLeavesADeniedEvent() throws Exception {
        HttpResponse<String> response = get("/actiontrail/api/events?q=" + q("user:alice"), null, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("authentication is required");
        AuditEvent denied = recorded("LookupEvents", Outcome.DENIED).get(0);
        assertThat(denied.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(denied.errorCode()).isEqualTo("Unauthorized");
        assertThat(denied.eventRW()).isEqualTo(EventRW.READ);
        assertThat(denied.eventType()).isEqualTo(EventType.CONSOLE_OPERATION);
    }

    @Test
    void aCallerWithoutTheAuthorityIs403AndLeavesADeniedEventWithItsName() throws Exception {
        HttpResponse<String> response = get("/actiontrail/api/trails", "bob", "bob-pw");

        assertThat(response.statusCode()).isEqualTo(403);
        AuditEvent denied = recorded("DescribeTrails", Outcome.DENIED).get(0);
        assertThat(denied.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(denied.errorCode()).isEqualTo("Forbidden");
        assertThat(Objects.requireNonNull(denied.userIdentity()).userName()).isEqualTo("bob");
    }

    @Test
    void aWrongPasswordNeverReachesTheApi() throws Exception {
        assertThat(get("/actiontrail/api/events", "auditor", "wrong").statusCode())
                .isEqualTo(401);
    }

    @Test
    void searchesInTheSyntaxPageByPageAndLeavesALookupEvent() throws Exception {
        HttpResponse<String> response =
                auditor("/actiontrail/api/events?maxResults=4&q=" + q("user:alice action:Create* -outcome:Failure"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode page = JSON.readTree(response.body());
        // alice: even i; CreateOrder: i % 3 == 0; Failure: i % 4 == 0 -> i in {6, 18} (i = 0, 12, 24 failed)
        assertThat(page.path("events").findValuesAsText("eventName")).containsOnly("CreateOrder");
        assertThat(page.path("events")).hasSize(2);
        assertThat(page.path("nextToken").isMissingNode()).isTrue();
        AuditEvent lookup = recorded("LookupEvents", Outcome.SUCCESS).stream()
                .filter(e ->
                        e.requestParameters() != null && e.requestParameters().containsKey("q"))
                .findFirst()
                .orElseThrow();
        assertThat(lookup.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(Objects.requireNonNull(lookup.userIdentity()).userName()).isEqualTo("auditor");
        assertThat(lookup.requestParameters()).containsEntry("q", "user:alice action:Create* -outcome:Failure");

        JsonNode first = JSON.readTree(auditor("/actiontrail/api/events?maxResults=7&q=" + q("user:carol"))
                .body());
        assertThat(first.path("events")).hasSize(7);
        String token = first.path("nextToken").asText();
        JsonNode second = JSON.readTree(
                auditor("/actiontrail/api/events?maxResults=7&q=" + q("user:carol") + "&nextToken=" + q(token))
                        .body());
        assertThat(second.path("events")).hasSize(7);
        assertThat(second.path("events").findValuesAsText("eventId"))
                .doesNotContainAnyElementsOf(first.path("events").findValuesAsText("eventId"));
    }

    @Test
    void badInputIsA400NamingTheProblem() throws Exception {
        HttpResponse<String> syntax = auditor("/actiontrail/api/events?q=" + q("user:alice usr:bob"));
        assertThat(syntax.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(syntax.body());
        assertThat(error.path("error").asText()).contains("unknown key 'usr'");
        assertThat(error.path("position").asInt()).isEqualTo(11);

        assertThat(auditor("/actiontrail/api/events?maxResults=100000").body())
                .contains("maxResults must be between 1 and 1000");
        assertThat(auditor("/actiontrail/api/events?maxResults=lots").statusCode())
                .isEqualTo(400);
        assertThat(auditor("/actiontrail/api/events?nextToken=forged").body()).contains("unknown nextToken");
        assertThat(auditor("/actiontrail/api/events?q=" + q("after:2026-12-02 before:2026-12-01"))
                        .statusCode())
                .isEqualTo(400);
        assertThat(auditor("/actiontrail/api/events?q="
                                + q("user:"
                                        + java.util.stream.IntStream.range(0, 10_000)
                                                .mapToObj(i -> "u" + i)
                                                .collect(java.util.stream.Collectors.joining(","))))
                        .body())
                .contains("at most 1000");
        assertThat(auditor("/actiontrail/api/counts?bucket=PT1S").body()).contains("whole minutes");
        assertThat(auditor("/actiontrail/api/counts?q=" + q("after:2000-01-01") + "&bucket=PT1M")
                        .body())
                .contains("at most 10000 are allowed");
        assertThat(auditor("/actiontrail/api/export?format=xml").statusCode()).isEqualTo(400);
        assertThat(auditor("/actiontrail/api/events?store=fleet").body()).contains("no fleet-wide event store");
        assertThat(auditor("/actiontrail/api/nothing-here").statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(
                HttpRequest.newBuilder(URI.create(APP.url() + "/actiontrail/api/events"))
                        .header(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString("auditor:auditor-pw".getBytes(StandardCharsets.UTF_8)))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        AuditEvent failed = recorded("LookupEvents", Outcome.FAILURE).get(0);
        assertThat(failed.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(failed.errorCode()).isEqualTo("InvalidRequest");
    }

    @Test
    void oneEventByIdAndAResourcesTimelineOldestFirst() throws Exception {
        JsonNode page = JSON.readTree(
                auditor("/actiontrail/api/timeline?type=Order&name=o-2").body());
        List<String> times = page.path("events").findValuesAsText("eventTime");
        assertThat(times).hasSize(6).isSorted();
        String id = page.path("events").get(0).path("eventId").asText();

        HttpResponse<String> one = auditor("/actiontrail/api/events/" + id);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(one.body()).path("resourceName").asText()).isEqualTo("o-2");
        assertThat(recorded("GetEvent", Outcome.SUCCESS)).isNotEmpty();
        assertThat(auditor("/actiontrail/api/events/no-such-event").statusCode())
                .isEqualTo(404);
        assertThat(auditor("/actiontrail/api/timeline?type=Order").statusCode()).isEqualTo(400);
    }

    @Test
    void countsPerHourWithFailuresAndTheTopUsers() throws Exception {
        HttpResponse<String> response = auditor("/actiontrail/api/counts?bucket=PT1H&by=user&top=5&q="
                + q("after:" + base.minus(Duration.ofHours(1)) + " before:" + base.plus(Duration.ofHours(2))));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode counts = JSON.readTree(response.body());
        assertThat(counts.path("matched").asLong()).isEqualTo(30);
        long total = 0;
        long failures = 0;
        for (JsonNode bucket : counts.path("buckets")) {
            total += bucket.path("count").asLong();
            failures += bucket.path("failures").asLong();
        }
        assertThat(total).isEqualTo(30);
        assertThat(failures).isEqualTo(8);
        assertThat(counts.path("top").findValuesAsText("value")).containsExactly("alice", "carol");
        assertThat(recorded("GetEventCounts", Outcome.SUCCESS)).isNotEmpty();
    }

    @Test
    void theTrailsAndTheJournal() throws Exception {
        JsonNode trails = JSON.readTree(auditor("/actiontrail/api/trails").body());
        assertThat(trails.path("trails").get(0).path("name").asText()).isNotEmpty();
        assertThat(trails.path("trails").get(0).path("sinks").get(0).has("delivered"))
                .isTrue();
        assertThat(trails.path("journal").path("durability").asText()).isEqualTo("GROUP");
    }

    @Test
    void theStateOfInsightsAndOneCountersRollupEachLeavingItsEvent() throws Exception {
        JsonNode status = JSON.readTree(auditor("/actiontrail/api/insights").body());
        assertThat(status.path("enabled").asBoolean())
                .as("insights are on by default")
                .isTrue();
        assertThat(status.has("eventsCounted")).isTrue();
        assertThat(status.path("started").isObject()).isTrue();
        assertThat(recorded("DescribeInsights", Outcome.SUCCESS)).isNotEmpty();

        HttpResponse<String> counters = auditor("/actiontrail/api/insights/counters?kind=api_call&name=CreateOrder"
                + "&qualifier=orders&from=2026-12-01T00:00:00Z&to=2026-12-01T06:00:00Z&resolution=PT5M");
        assertThat(counters.statusCode()).isEqualTo(200);
        JsonNode series = JSON.readTree(counters.body());
        assertThat(series.path("kind").asText()).isEqualTo("API_CALL");
        assertThat(series.path("qualifier").asText()).isEqualTo("orders");
        assertThat(series.path("resolution").asText()).isEqualTo("PT5M");
        assertThat(series.path("points").isArray()).isTrue();
        assertThat(series.path("total").asLong())
                .isEqualTo(java.util.stream.StreamSupport.stream(
                                series.path("points").spliterator(), false)
                        .mapToLong(p -> p.path("count").asLong())
                        .sum());
        assertThat(recorded("GetInsightCounters", Outcome.SUCCESS)).isNotEmpty();

        assertThat(auditor("/actiontrail/api/insights/counters?name=CreateOrder")
                        .body())
                .contains("kind and name are required");
        assertThat(auditor("/actiontrail/api/insights/counters?kind=colour&name=x")
                        .body())
                .contains("kind must be API_CALL, API_ERROR, PRINCIPAL or ACCESS_KEY");
        assertThat(auditor("/actiontrail/api/insights/counters?kind=PRINCIPAL&name=x&resolution=PT2M")
                        .body())
                .contains("resolution must be 1 minute, 5 minutes or 1 hour");
        assertThat(auditor("/actiontrail/api/insights/counters?kind=PRINCIPAL&name=x&resolution=soon")
                        .statusCode())
                .isEqualTo(400);
        assertThat(auditor("/actiontrail/api/insights/counters?kind=PRINCIPAL&name=x"
                                + "&from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z")
                        .body())
                .contains("from must be before to");
        assertThat(recorded("GetInsightCounters", Outcome.FAILURE)).isNotEmpty();
    }

    @Test
    void exportsCsvWithFormulasNeutralisedAndNdjson() throws Exception {
        HttpResponse<String> csv = auditor("/actiontrail/api/export?format=csv&q=" + q("resource:Order/o-2"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(t -> assertThat(t).contains("attachment"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("eventTime,eventId,eventName");
        assertThat(lines).hasSize(7);
        assertThat(csv.body())
                .contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"")
                .doesNotContain(",=HYPERLINK");

        HttpResponse<String> ndjson = auditor("/actiontrail/api/export?q=" + q("user:alice"));
        List<String> rows = ndjson.body().lines().toList();
        assertThat(rows).hasSize(15);
        for (String row : rows) {
            assertThat(JSON.readTree(row).path("userIdentity").path("userName").asText())
                    .isEqualTo("alice");
        }
        assertThat(recorded("ExportEvents", Outcome.SUCCESS)).isNotEmpty();
    }

    @Test
    void theLookupEventsShapeOfActionTrail() throws Exception {
        HttpResponse<String> response = auditor("/actiontrail/api/LookupEvents?LookupAttribute.1.Key=EventName"
                + "&LookupAttribute.1.Value=CreateOrder&LookupAttribute.2.Key=User&LookupAttribute.2.Value=carol"
                + "&MaxResults=3&StartTime=" + q(base.minusSeconds(1).toString()));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode page = JSON.readTree(response.body());
        assertThat(page.path("RequestId").asText()).isNotEmpty();
        assertThat(page.path("Events")).hasSize(3);
        assertThat(page.path("Events").findValuesAsText("eventName")).containsOnly("CreateOrder");
        assertThat(page.path("NextToken").asText()).isNotEmpty();
        assertThat(auditor("/actiontrail/api/LookupEvents?LookupAttribute.1.Key=Colour&LookupAttribute.1.Value=red")
                        .body())
                .contains("unknown LookupAttribute key 'Colour'");
        assertThat(auditor("/actiontrail/api/LookupEvents?StartTime=yesterday").statusCode())
                .isEqualTo(400);
    }

    @Test
    void servesItsOpenApiDescriptionListingEveryPathItAnswers() throws Exception {
        HttpResponse<String> response = auditor("/actiontrail/api/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(response.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        List<String> paths = new java.util.ArrayList<>();
        doc.path("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths)
                .containsExactlyInAnyOrder(
                        "/events",
                        "/events/{eventId}",
                        "/timeline",
                        "/counts",
                        "/trails",
                        "/insights",
                        "/insights/counters",
                        "/export",
                        "/LookupEvents",
                        "/openapi.json");
        for (String path : paths) {
            String concrete = path.replace("{eventId}", "x")
                    + (path.equals("/timeline") ? "?type=T&name=n" : "")
                    + (path.equals("/insights/counters") ? "?kind=API_CALL&name=CreateOrder" : "");
            assertThat(auditor("/actiontrail/api" + concrete).statusCode())
                    .as(path)
                    .isIn(200, 404); // 404 only for the made-up event id
        }
        assertThat(get("/actiontrail/api/openapi.json", null, null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void nothingAnEventSaysRunsAsMarkup() throws Exception {
        HttpResponse<String> response = auditor("/actiontrail/api/events?q=" + q("user:alice"));
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }
}
