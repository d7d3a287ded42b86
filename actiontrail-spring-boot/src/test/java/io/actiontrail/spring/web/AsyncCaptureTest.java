package io.actiontrail.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.spring.web.async.AsyncApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Asynchronous handlers on a real server: one event when the asynchronous result completes, with its outcome, its
 * whole duration and the request's own context; under concurrency no request's context reaches another, and
 * {@code @Async} work runs under its caller's context.
 */
class AsyncCaptureTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final WebApps.Running APP = WebApps.running(
            AsyncApp.class,
            // a small pool, so that its threads serve many requests in turn
            "server.tomcat.threads.max=4",
            "spring.task.execution.pool.core-size=2");

    @Test
    void aCallableIsOneEventWhenItCompletesWithTheRequestsContextAndWholeDuration() throws Exception {
        HttpResponse<String> response = send("POST", "/jobs/callable", "req-callable");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .as("the Callable ran under the request's context")
                .isEqualTo("done req-callable");

        AuditEvent event = awaitOnly("RunCallable");
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.requestId()).isEqualTo("req-callable");
        assertThat(event.sourceIpAddress()).isEqualTo("127.0.0.1");
        assertThat(event.durationMs()).isNotNull().isGreaterThanOrEqualTo(30L);
    }

    @Test
    void aDeferredResultCompletedElsewhereIsOneEvent() throws Exception {
        assertThat(send("POST", "/jobs/deferred", "req-deferred").body()).isEqualTo("deferred");
        AuditEvent event = awaitOnly("RunDeferred");
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.requestId()).isEqualTo("req-deferred");
        assertThat(event.durationMs()).isNotNull().isGreaterThanOrEqualTo(30L);
    }

    @Test
    void aStreamIsOneEventWhenItCompletes() throws Exception {
        HttpResponse<String> response = send("POST", "/jobs/stream", "req-stream");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("data:step 1", "data:step 2", "data:step 3");
        AuditEvent event = awaitOnly("StreamJob");
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.requestId()).isEqualTo("req-stream");
        assertThat(event.durationMs()).isNotNull().isGreaterThanOrEqualTo(30L);
    }

    @Test
    void anAsyncResultThatFailsIsAFailure() throws Exception {
        assertThat(send("POST", "/jobs/failing", "req-failing").statusCode()).isEqualTo(500);
        AuditEvent event = awaitOnly("RunFailing");
        assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(event.requestId()).isEqualTo("req-failing");
    }

    @Test
    void asyncMethodsRunUnderTheirCallersContext() throws Exception {
        HttpResponse<String> response = send("POST", "/reports", "req-report");
        assertThat(response.body())
                .as("the @Async method saw its caller's request id")
                .isEqualTo("req-report");
        assertThat(awaitOnly("CreateReport").requestId()).isEqualTo("req-report");
    }

    @Test
    void underConcurrencyNoRequestsContextReachesAnother() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String path = i % 2 == 0 ? "/jobs/callable" : "/jobs/deferred";
            calls.add(HTTP.sendAsync(request("POST", path, "req-c" + i), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> response = calls.get(i).get();
            assertThat(response.statusCode()).isEqualTo(200);
            if (i % 2 == 0) {
                assertThat(response.body()).isEqualTo("done req-c" + i);
            }
        }
        // then requests without an id of their own, on the same few server threads: each sees only its own context
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> whoami =
                    HTTP.send(request("GET", "/whoami", null), HttpResponse.BodyHandlers.ofString());
            assertThat(whoami.body())
                    .isEqualTo(whoami.headers().firstValue("X-Request-Id").orElseThrow());
        }
        await().until(() -> APP.sink().events().size() >= 40);
        Map<String, Long> byRequest = APP.sink().events().stream()
                .collect(Collectors.groupingBy(e -> String.valueOf(e.requestId()), Collectors.counting()));
        assertThat(byRequest).hasSize(40).allSatisfy((id, count) -> {
            assertThat(id).startsWith("req-c");
            assertThat(count).isEqualTo(1L);
        });
    }

    private static AuditEvent awaitOnly(String name) {
        await().until(() ->
                APP.sink().events().stream().anyMatch(e -> e.eventName().equals(name)));
        List<AuditEvent> events = APP.sink().events();
        assertThat(events).extracting(AuditEvent::eventName).containsExactly(name);
        return events.get(0);
    }

    private static HttpRequest request(String method, String path, @Nullable String requestId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(APP.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        return request.build();
    }

    private static HttpResponse<String> send(String method, String path, String requestId) throws Exception {
        return HTTP.send(request(method, path, requestId), HttpResponse.BodyHandlers.ofString());
    }
}
