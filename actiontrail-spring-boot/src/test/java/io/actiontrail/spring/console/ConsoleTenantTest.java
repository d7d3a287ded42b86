package io.actiontrail.spring.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.spring.console.app.ConsoleApp;
import io.actiontrail.spring.web.WebApps;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tenant scoping: with a {@code ConsoleTenantResolver}, random searches, timelines, counts, exports and
 * {@code LookupEvents} calls by the auditors of two tenants — including searches naming the other tenant — never
 * return an event of another tenant; an auditor whose tenant is unknown is refused.
 */
class ConsoleTenantTest {

    @RegisterExtension
    static final WebApps.Running APP =
            WebApps.running(ConsoleApp.class, "actiontrail.console.enabled=true", "test.tenants=true");

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TENANTS = {"t1", "t2", "t3", "t4"};
    private static final String[] USERS = {"alice", "bob", "carol"};
    private static final String[] NAMES = {"CreateOrder", "GetOrder", "DeleteOrder"};

    @BeforeAll
    static void recordEventsOfManyTenants() {
        ActionTrail actionTrail = APP.bean(ActionTrail.class);
        Random r = new Random(7);
        Instant start = Instant.now().minus(Duration.ofHours(5));
        for (int i = 0; i < 400; i++) {
            UserIdentity.Builder identity =
                    UserIdentity.builder(UserIdentity.Type.USER).userName(USERS[r.nextInt(USERS.length)]);
            if (r.nextInt(8) != 0) {
                identity.accountId(TENANTS[r.nextInt(TENANTS.length)]);
            }
            actionTrail.record(AuditEvent.builder(NAMES[r.nextInt(NAMES.length)])
                    .eventTime(start.plusSeconds(i * 30L))
                    .userIdentity(identity.build())
                    .resource("Order", "o-" + r.nextInt(10))
                    .outcome(r.nextBoolean() ? Outcome.SUCCESS : Outcome.FAILURE)
                    .build());
        }
    }

    private static HttpResponse<String> get(String user, String password, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(APP.url() + path))
                        .header(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(
                                                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Every tenant an answer shows, by reading each event it holds; counts say nothing of tenants and are checked. */
    private static List<String> tenantsIn(String path, String body) throws Exception {
        List<String> tenants = new ArrayList<>();
        if (path.contains("/export")) {
            for (String line : body.lines().toList()) {
                tenants.add(JSON.readTree(line)
                        .path("userIdentity")
                        .path("accountId")
                        .asText("(none)"));
            }
            return tenants;
        }
        JsonNode root = JSON.readTree(body);
        JsonNode events = root.has("Events") ? root.path("Events") : root.path("events");
        for (JsonNode e : events) {
            tenants.add(e.path("userIdentity").path("accountId").asText("(none)"));
        }
        return tenants;
    }

    @Test
    void randomReadsByTheAuditorsOfTwoTenantsNeverShowAnotherTenant() throws Exception {
        Random r = new Random(2026);
        int seen = 0;
        for (int i = 0; i < 120; i++) {
            String tenant = r.nextBoolean() ? "t1" : "t2";
            String other = TENANTS[r.nextInt(TENANTS.length)];
            String search =
                    switch (r.nextInt(5)) {
                        case 0 -> "tenant:" + other;
                        case 1 -> "-tenant:" + tenant + " user:" + USERS[r.nextInt(USERS.length)];
                        case 2 -> "tenant:" + other + "," + tenant + " action:" + NAMES[r.nextInt(NAMES.length)];
                        case 3 -> "resource:Order/o-" + r.nextInt(10);
                        default -> "";
                    };
            String path =
                    switch (r.nextInt(4)) {
                        case 0 -> "/actiontrail/api/events?maxResults=1000&q=" + q(search);
                        case 1 -> "/actiontrail/api/timeline?type=Order&name=o-" + r.nextInt(10) + "&maxResults=1000";
                        case 2 -> "/actiontrail/api/export?q=" + q(search);
                        default ->
                            "/actiontrail/api/LookupEvents?MaxResults=1000&LookupAttribute.1.Key=User"
                                    + "&LookupAttribute.1.Value=" + USERS[r.nextInt(USERS.length)];
                    };
            HttpResponse<String> response = get("auditor-" + tenant, tenant + "-pw", path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            List<String> tenants = tenantsIn(path, response.body());
            assertThat(tenants).as("%s as %s", path, tenant).containsOnly(tenant);
            seen += tenants.size();
        }
        assertThat(seen).as("events returned at all").isGreaterThan(1000);

        JsonNode counts = JSON.readTree(get("auditor-t1", "t1-pw", "/actiontrail/api/counts?by=tenant&top=10")
                .body());
        assertThat(counts.path("top").findValuesAsText("value")).containsExactly("t1");
    }

    @Test
    void anAuditorWithoutATenantIsRefused() throws Exception {
        HttpResponse<String> response = get("auditor", "auditor-pw", "/actiontrail/api/events");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("tenant is not known");
        HttpResponse<String> event = get("auditor", "auditor-pw", "/actiontrail/api/events/anything");
        assertThat(event.statusCode()).isEqualTo(403);
    }

    @Test
    void insightCountersSpanEveryTenantSoATenantScopedCallerIsRefusedThem() throws Exception {
        for (String path :
                List.of("/actiontrail/api/insights", "/actiontrail/api/insights/counters?kind=PRINCIPAL&name=u-1")) {
            HttpResponse<String> response = get("auditor-t1", "t1-pw", path);
            assertThat(response.statusCode()).as(path).isEqualTo(403);
            assertThat(response.body()).contains("a tenant-scoped caller cannot read them");
        }
    }

    @Test
    void anEventOfAnotherTenantIsNotFoundById() throws Exception {
        JsonNode page = JSON.readTree(get("auditor-t2", "t2-pw", "/actiontrail/api/events?maxResults=1")
                .body());
        String id = page.path("events").get(0).path("eventId").asText();
        assertThat(get("auditor-t2", "t2-pw", "/actiontrail/api/events/" + id).statusCode())
                .isEqualTo(200);
        assertThat(get("auditor-t1", "t1-pw", "/actiontrail/api/events/" + id).statusCode())
                .isEqualTo(404);
    }
}
