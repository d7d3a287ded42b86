package io.actiontrail.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.spring.web.hostile.HostileApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a careless or hostile client sends never breaks the request and never makes a huge event: a 10 MB form field, a
 * 10,000-character path variable, a body whose getters and toString throw, forged X-Forwarded-For and Forwarded.
 */
class HostileInputTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final WebApps.Running APP = WebApps.running(
            HostileApp.class,
            // the application accepts what the tests send; the capture must then cope with it
            "server.tomcat.max-http-form-post-size=20MB",
            "server.max-http-request-header-size=64KB");

    @Test
    void aTenMegabyteFormFieldIsRecordedCutAndTheRequestAnswered() throws Exception {
        String text = "a".repeat(10 * 1024 * 1024);
        HttpResponse<String> response = post("/notes/n-1", "application/x-www-form-urlencoded", "text=" + text);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("3/" + text.length());

        AuditEvent event = awaitOne();
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(String.valueOf(
                        Objects.requireNonNull(event.requestParameters()).get("text")))
                .hasSizeLessThan(10_000)
                .startsWith("aaaa")
                .contains("chars>");
        assertThat(event.toJson().length()).isLessThan(64 * 1024);
    }

    @Test
    void aTenThousandCharacterPathVariableIsRecordedCut() throws Exception {
        String id = "n".repeat(10_000);
        HttpResponse<String> response = post("/notes/" + id, "application/x-www-form-urlencoded", "text=hi");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("10000/2");

        AuditEvent event = awaitOne();
        assertThat(event.resourceType()).isEqualTo("Note");
        assertThat(event.resourceName()).hasSize(PathResources.MAX_ID);
        assertThat(event.toJson().length()).isLessThan(64 * 1024);
    }

    @Test
    void aBodyWhoseGetterAndToStringThrowIsRecordedSafely() throws Exception {
        HttpResponse<String> response = post("/boobies", "application/json", "{\"name\":\"trap\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("accepted 4");

        AuditEvent event = awaitOne();
        assertThat(event.eventName()).isEqualTo("CreateBooby");
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.requestParameters()).containsKey("booby");
        assertThat(event.toJson()).doesNotContain("blew up");
    }

    @Test
    void forgedForwardingHeadersFromAnUntrustedClientAreIgnored() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(APP.url() + "/notes/n-2"))
                        .POST(HttpRequest.BodyPublishers.ofString("text=hi"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Forwarded-For", "203.0.113.66, 10.0.0.1")
                        .header("Forwarded", "for=198.51.100.9;proto=https, for=\"[2001:db8::1]\"")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        AuditEvent event = awaitOne();
        assertThat(event.sourceIpAddress()).isEqualTo("127.0.0.1");
    }

    private static AuditEvent awaitOne() {
        await().until(() -> !APP.sink().events().isEmpty());
        assertThat(APP.sink().events()).hasSize(1);
        return APP.sink().events().get(0);
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(APP.url() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", contentType)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
