package io.actiontrail.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.spring.web.WebApps;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The trails' health as an operator reads it, through Actuator's health endpoint of a running application: the same
 * paths, statuses and details on every Spring Boot line the starter supports.
 */
class HealthEndpointTest {

    @RegisterExtension
    static final WebApps.Running APP = WebApps.running(
            HealthApp.class, "management.endpoint.health.show-details=always", "actiontrail.health.down-after=0s");

    /** The in-memory sink's bean name, which names it in its trail. */
    private static final String SINK = "testSink";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @AfterEach
    void recover() {
        APP.sink().recover();
    }

    @Test
    void aTrailIsDownWhileItsSinkFailsAndUpAgainOnceItDelivers() throws Exception {
        Health main = health("/actuator/health/actionTrail/main");
        assertThat(main.code()).isEqualTo(200);
        assertThat(main.body().path("status").asText()).isEqualTo("UP");
        JsonNode sink = main.body().path("details").path("sinks").path(SINK);
        assertThat(sink.path("status").asText()).isEqualTo("UP");

        APP.sink().failUntilRecovered(true);
        APP.bean(ActionTrail.class).record(AuditEvent.builder("Ping").build());
        await().until(() -> health("/actuator/health/actionTrail/main").code() == 503);
        Health down = health("/actuator/health/actionTrail/main");
        assertThat(down.body().path("status").asText()).isEqualTo("DOWN");
        JsonNode failing = down.body().path("details").path("sinks").path(SINK);
        assertThat(failing.path("status").asText()).isEqualTo("DOWN");
        assertThat(failing.path("pending").asLong()).isPositive();
        assertThat(failing.path("latestDeliveryError").asText()).isNotEmpty();
        // the application as a whole reports the failing trail
        assertThat(health("/actuator/health").code()).isEqualTo(503);

        APP.sink().recover();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> health("/actuator/health/actionTrail/main").code() == 200);
        assertThat(APP.sink().events()).extracting(AuditEvent::eventName).contains("Ping");
    }

    @Test
    void whatIsAuditedIsShownNextToTheTrails() throws Exception {
        Health capture = health("/actuator/health/actionTrail/capture");
        assertThat(capture.code()).isEqualTo(200);
        assertThat(capture.body().path("status").asText()).isEqualTo("UP");
        JsonNode details = capture.body().path("details");
        assertThat(details.path("@Audited methods").path("found").isNumber()).isTrue();
        assertThat(details.path("controller handlers").path("found").isNumber()).isTrue();
    }

    private record Health(int code, JsonNode body) {}

    private static Health health(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(APP.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return new Health(response.statusCode(), JSON.readTree(response.body()));
    }
}
