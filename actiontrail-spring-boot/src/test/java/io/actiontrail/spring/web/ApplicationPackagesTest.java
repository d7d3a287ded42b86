package io.actiontrail.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.spring.web.readonly.ReadOnlyApp;
import io.actiontrail.test.InMemoryAuditSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.samples.petclinic.PetClinicLikeApp;

/**
 * An application whose controllers live under {@code org.springframework.samples} and {@code io.spring.sample}, on a
 * real server: every form post is audited, Spring Boot's error controller is not, and the start-up line and the health
 * details say what is audited and what is not.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApplicationPackagesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path journal;

    private ConfigurableApplicationContext start(String... properties) {
        List<String> all = new ArrayList<>(
                List.of("spring.application.name=petclinic", "management.endpoint.health.show-details=always"));
        all.addAll(List.of(properties));
        return WebApps.start(PetClinicLikeApp.class, journal, all.toArray(String[]::new));
    }

    @Test
    void auditsFormPostsOfControllersInPackagesUnderOrgSpringframeworkAndIoSpring() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            int port = WebApps.port(app);
            // Spring Boot's own error controller, called directly: the framework's handler, recognised by its type
            send(port, "POST", "/error", "");
            assertThat(send(port, "POST", "/owners/new", "firstName=George&lastName=Franklin")
                            .statusCode())
                    .isEqualTo(302);
            assertThat(send(port, "POST", "/owners/1/edit", "lastName=Davis").statusCode())
                    .isEqualTo(302);
            assertThat(send(port, "GET", "/owners/1", "").body()).isEqualTo("George Davis");
            assertThat(send(port, "POST", "/owners/1/visits", "description=rabies+shot")
                            .statusCode())
                    .isEqualTo(201);

            InMemoryAuditSink sink = WebApps.sink(app);
            await().until(() -> sink.events().size() >= 3);
            List<AuditEvent> events = sink.events();
            assertThat(events)
                    .extracting(AuditEvent::eventName)
                    .as("the error controller's and the read handler's calls are not audited")
                    .containsExactly("ProcessCreationForm", "ProcessUpdateOwnerForm", "AddVisit");
            assertThat(events).allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS));
            assertThat(events.get(0).requestParameters())
                    .containsEntry("firstName", "George")
                    .containsEntry("lastName", "Franklin");
            assertThat(events.get(1).requestParameters())
                    .containsEntry("ownerId", "1")
                    .containsEntry("lastName", "Davis");
            assertThat(events.get(2).requestParameters())
                    .containsEntry("ownerId", "1")
                    .containsEntry("description", "rabies shot");
            assertThat(events.get(0).additionalEventData()).containsEntry("httpStatus", 302L);
            // resources by the convention of the paths: a creation named from its redirect, then the owner, a visit
            assertThat(events.get(0).resourceType()).isEqualTo("Owner");
            assertThat(events.get(0).resourceName()).isEqualTo("1");
            assertThat(events.get(1).resourceType()).isEqualTo("Owner");
            assertThat(events.get(1).resourceName()).isEqualTo("1");
            assertThat(events.get(2).resourceType()).isEqualTo("Visit");
            assertThat(events.get(2).resourceName()).isNull();
            assertThat(events.get(2).referencedResources()).isEqualTo(Map.of("Owner", List.of("1")));
        }
    }

    @Test
    void aFormRenderedAgainWithErrorsIsAFailureNamingFieldsAndCodesAndARedirectAfterPostASuccess() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            int port = WebApps.port(app);
            HttpResponse<String> invalid =
                    send(port, "POST", "/owners/7/pets/new", "name=&type=unicorn&microchipSecret=LEAKED-CHIP-123");
            assertThat(invalid.statusCode()).isEqualTo(200);
            assertThat(invalid.body()).isEqualTo("form with errors");
            assertThat(send(port, "POST", "/owners/7/pets/new", "name=Leo&type=cat&microchipSecret=123456789012345")
                            .statusCode())
                    .isEqualTo(302);

            InMemoryAuditSink sink = WebApps.sink(app);
            await().until(() -> sink.events().size() >= 2);
            AuditEvent failed = sink.events().get(0);
            assertThat(failed.eventName()).isEqualTo("ProcessCreationForm");
            assertThat(failed.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(failed.errorCode()).isEqualTo("ValidationFailed");
            assertThat(failed.errorMessage())
                    .startsWith("3 validation errors: ")
                    .contains("pet.name (NotBlank)", "pet.type (Pattern)", "pet.microchipSecret (Pattern)");
            assertThat(Objects.requireNonNull(failed.additionalEventData()).get("validationErrors"))
                    .asString()
                    .contains("field=name", "code=NotBlank", "field=type", "field=microchipSecret");
            assertThat(failed.requestParameters()).containsEntry("ownerId", "7").containsEntry("type", "unicorn");
            assertThat(failed.toJson())
                    .as("a redacted field's rejected value is recorded nowhere")
                    .doesNotContain("LEAKED-CHIP-123");

            AuditEvent created = sink.events().get(1);
            assertThat(created.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(created.errorCode()).isNull();
            assertThat(created.additionalEventData())
                    .containsEntry("httpStatus", 302L)
                    .doesNotContainKey("validationErrors");
            assertThat(created.requestParameters()).containsEntry("name", "Leo");
            assertThat(failed.resourceType()).isEqualTo("Pet");
            assertThat(failed.resourceName()).as("nothing was created").isNull();
            assertThat(created.resourceType()).isEqualTo("Pet");
            assertThat(created.resourceName()).isEqualTo("1");
            assertThat(created.referencedResources()).isEqualTo(Map.of("Owner", List.of("7"), "Pet", List.of("1")));
        }
    }

    @Test
    void saysAtStartUpAndInTheHealthWhatIsAuditedAndWhyNotTheRest(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            assertThat(output.getOut())
                    .containsOnlyOnce("ActionTrail: auditing ")
                    .contains("4 of 5 controller handlers")
                    .contains("0 of 0 @Audited methods")
                    .contains("; trail '")
                    .contains("@Audited method org.springframework.samples.petclinic.owner.OwnerController.renameAll"
                            + " is not a request handler");

            JsonNode capture = JSON.readTree(send(WebApps.port(app), "GET", "/actuator/health/actionTrail/capture", "")
                    .body());
            assertThat(capture.path("status").asText()).isEqualTo("UP");
            JsonNode handlers = capture.path("details").path("controller handlers");
            assertThat(handlers.path("found").asInt()).isEqualTo(5);
            assertThat(handlers.path("audited").asInt()).isEqualTo(4);
            assertThat(handlers.path("warnings").toString()).contains("OwnerController.renameAll");
            assertThat(capture.path("details")
                            .path("@Audited methods")
                            .path("found")
                            .asInt())
                    .isZero();
        }
    }

    @Test
    void warnsWhenNoHandlerIsAuditedAndSaysWhy(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start("actiontrail.capture.controllers=false")) {
            String why = "none of the 5 controller handlers is audited: actiontrail.capture.controllers is false";
            assertThat(output.getOut()).contains("0 of 5 controller handlers").containsPattern("WARN .*" + why);
            JsonNode handlers = handlersHealth(app);
            assertThat(handlers.path("audited").asInt()).isZero();
            assertThat(handlers.path("warnings").toString()).contains(why);
        }
    }

    @Test
    void warnsWhenEveryHandlerOnlyReadsAndReadMethodsAreOff(CapturedOutput output) {
        try (ConfigurableApplicationContext app = WebApps.start(ReadOnlyApp.class, journal)) {
            assertThat(app.isRunning()).isTrue();
            assertThat(output.getOut())
                    .contains("0 of 2 controller handlers")
                    .containsPattern("WARN .*none of the 2 controller handlers is audited: each maps only read methods"
                            + " \\(GET, HEAD\\) and actiontrail.capture.read-methods is false");
        }
    }

    @Test
    void readMethodsOnAuditEveryHandler(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start("actiontrail.capture.read-methods=true")) {
            assertThat(output.getOut()).contains("5 of 5 controller handlers").doesNotContain("none of the");
            assertThat(handlersHealth(app).path("audited").asInt()).isEqualTo(5);
        }
    }

    private static JsonNode handlersHealth(ConfigurableApplicationContext app) throws Exception {
        return JSON.readTree(send(WebApps.port(app), "GET", "/actuator/health/actionTrail/capture", "")
                        .body())
                .path("details")
                .path("controller handlers");
    }

    private static HttpResponse<String> send(int port, String method, String path, String form) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method(method, HttpRequest.BodyPublishers.ofString(form))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
