package io.actiontrail.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.spring.web.webapp.TestWebApp;
import io.actiontrail.test.InMemoryAuditSink;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Real HTTP calls against a real server; the recorded events are read from an in-memory sink. */
class WebCaptureTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    abstract static class Base {
        @LocalServerPort
        int port;

        @Autowired
        InMemoryAuditSink sink;

        @BeforeEach
        void clear() {
            sink.clear();
        }

        HttpResponse<String> send(String method, String path, String user, String body, String... headers)
                throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json");
            if (!user.isEmpty()) {
                String credentials = user + ":" + user + "-pw";
                request.header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
            }
            if (headers.length > 0) {
                request.headers(headers);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        AuditEvent awaitEvent(Predicate<AuditEvent> matching) {
            await().until(() -> sink.events().stream().anyMatch(matching));
            return sink.events().stream().filter(matching).findFirst().orElseThrow();
        }

        AuditEvent awaitEvent(String name) {
            return awaitEvent(e -> e.eventName().equals(name));
        }

        static String userName(AuditEvent event) {
            return String.valueOf(Objects.requireNonNull(event.userIdentity()).userName());
        }

        static Object extra(AuditEvent event, String key) {
            return String.valueOf(
                    Objects.requireNonNull(event.additionalEventData()).get(key));
        }
    }

    @Nested
    @SpringBootTest(
            classes = TestWebApp.class,
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                "spring.application.name=orders",
                // each cached test context holds its own journal: one instance per directory
                "actiontrail.data-dir=target/test-journal/${random.uuid}"
            })
    class UntrustedClient extends Base {

        @Test
        void recordsWhoFromWhereOnWhatWithTheRequestIdAndRedactedBody() throws Exception {
            HttpResponse<String> response = send(
                    "POST",
                    "/orders",
                    "alice",
                    "{\"sku\":\"book\",\"quantity\":2,\"password\":\"hunter2\"}",
                    "X-Forwarded-For",
                    "203.0.113.66",
                    "User-Agent",
                    "orders-test/1.0",
                    "X-Request-Id",
                    "req-42");
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.headers().firstValue("X-Request-Id")).contains("req-42");

            AuditEvent event = awaitEvent("CreateOrder");
            assertThat(event.userIdentity()).isNotNull();
            assertThat(Objects.requireNonNull(event.userIdentity()).type()).isEqualTo(UserIdentity.Type.USER);
            assertThat(userName(event)).isEqualTo("alice");
            assertThat(Objects.requireNonNull(
                                    Objects.requireNonNull(event.userIdentity()).sessionContext())
                            .roles())
                    .contains("ROLE_ADMIN");
            assertThat(event.sourceIpAddress())
                    .as("forged X-Forwarded-For is ignored")
                    .isEqualTo("127.0.0.1");
            assertThat(event.userAgent()).isEqualTo("orders-test/1.0");
            assertThat(event.requestId()).isEqualTo("req-42");
            assertThat(event.eventType()).isEqualTo(EventType.API_CALL);
            assertThat(event.eventRW()).isEqualTo(EventRW.WRITE);
            assertThat(event.serviceName()).isEqualTo("orders");
            assertThat(event.resourceType()).isEqualTo("Order");
            assertThat(event.resourceName()).startsWith("o-10");
            assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(extra(event, "httpStatus")).isEqualTo("201");
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>)
                    Objects.requireNonNull(event.requestParameters()).get("request");
            assertThat(body).containsEntry("sku", "book").containsEntry("password", "<redacted>");
            assertThat(event.toJson()).doesNotContain("hunter2");
        }

        @Test
        void generatesAndEchoesARequestIdWhenTheRequestHasNone() throws Exception {
            HttpResponse<String> response =
                    send("POST", "/orders", "alice", "{\"sku\":\"pen\",\"quantity\":1,\"password\":\"x\"}");
            String echoed = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(echoed).isNotBlank();
            assertThat(awaitEvent("CreateOrder").requestId()).isEqualTo(echoed);
        }

        @Test
        void handledClientErrorIsAFailureWithTheExceptionAsErrorCode() throws Exception {
            HttpResponse<String> response =
                    send("POST", "/orders", "bob", "{\"sku\":\"pen\",\"quantity\":0,\"password\":\"x\"}");
            assertThat(response.statusCode()).isEqualTo(400);
            AuditEvent event = awaitEvent("CreateOrder");
            assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(event.errorCode()).isEqualTo("IllegalArgumentException");
            assertThat(event.errorMessage()).contains("quantity must be positive");
            assertThat(event.resourceName()).as("#result is absent on failure").isNull();
            assertThat(extra(event, "httpStatus")).isEqualTo("400");
            assertThat(userName(event)).isEqualTo("bob");
        }

        @Test
        void notFoundIsAFailureAndForbiddenIsDenied() throws Exception {
            assertThat(send("DELETE", "/orders/o-missing", "alice", "").statusCode())
                    .isEqualTo(404);
            AuditEvent missing = awaitEvent(
                    e -> e.eventName().equals("DeleteOrder") && userName(e).equals("alice"));
            assertThat(missing.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(missing.resourceName()).isEqualTo("o-missing");
            assertThat(extra(missing, "httpStatus")).isEqualTo("404");

            assertThat(send("DELETE", "/orders/o-1", "bob", "").statusCode()).isEqualTo(403);
            AuditEvent denied = awaitEvent(
                    e -> e.eventName().equals("DeleteOrder") && userName(e).equals("bob"));
            assertThat(denied.outcome()).isEqualTo(Outcome.DENIED);
            assertThat(denied.errorCode()).contains("Denied");
            assertThat(extra(denied, "httpStatus")).isEqualTo("403");
        }

        @Test
        void refusalsBeforeTheHandlerAreDeniedCallsOfThatHandler() throws Exception {
            // a URL rule refuses bob before the handler: the call he tried is recorded, with his name
            assertThat(send("POST", "/orders/o-3/ship", "bob", "").statusCode()).isEqualTo(403);
            AuditEvent forbidden = awaitEvent(e -> e.eventName().equals("ShipOrder") && e.outcome() == Outcome.DENIED);
            assertThat(userName(forbidden)).isEqualTo("bob");
            assertThat(forbidden.errorCode()).isEqualTo("Forbidden");
            assertThat(extra(forbidden, "path")).isEqualTo("/orders/o-3/ship");
            assertThat(extra(forbidden, "httpStatus")).isEqualTo("403");
            assertThat(forbidden.requestId()).isNotNull();

            // no credentials: the @Audited handler's name, and nothing the handler never got
            assertThat(send("POST", "/orders", "", "{\"sku\":\"x\",\"quantity\":1}")
                            .statusCode())
                    .isEqualTo(401);
            AuditEvent unauthenticated =
                    awaitEvent(e -> e.eventName().equals("CreateOrder") && e.outcome() == Outcome.DENIED);
            assertThat(unauthenticated.errorCode()).isEqualTo("Unauthorized");
            assertThat(unauthenticated.requestParameters()).isNull();

            // a read without credentials is not audited while read methods are off; an unknown user is refused
            assertThat(send("GET", "/orders/o-1", "", "").statusCode()).isEqualTo(401);
            assertThat(send("POST", "/orders/o-4/ship", "mallory", "").statusCode())
                    .isEqualTo(401);
            awaitEvent(e -> e.eventName().equals("ShipOrder")
                    && e.outcome() == Outcome.DENIED
                    && "Unauthorized".equals(e.errorCode()));
            assertThat(sink.events()).noneMatch(e -> e.eventName().equals("GetOrder"));
        }

        @Test
        void aWrongPasswordAtSignInIsNoRefusedHandlerCall() throws Exception {
            HttpRequest login = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                    .POST(HttpRequest.BodyPublishers.ofString("username=alice&password=wrong"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .build();
            assertThat(HTTP.send(login, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(401);
            awaitEvent(e -> e.eventType() == EventType.CONSOLE_SIGNIN && e.outcome() == Outcome.FAILURE);
            // a marker after it: what the refusal filter would have recorded for /login would be there by now
            assertThat(send("POST", "/orders/o-5/ship", "bob", "").statusCode()).isEqualTo(403);
            awaitEvent(e -> e.eventName().equals("ShipOrder") && userName(e).equals("bob"));
            assertThat(sink.events())
                    .filteredOn(e -> e.outcome() == Outcome.DENIED)
                    .extracting(AuditEvent::eventName)
                    .containsExactly("ShipOrder");
        }

        @Test
        void unhandledExceptionIsAFailureWithStatus500() throws Exception {
            assertThat(send("POST", "/orders/o-7/ship", "alice", "").statusCode())
                    .isEqualTo(500);
            AuditEvent event = awaitEvent("ShipOrder");
            assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(event.errorCode()).isEqualTo("IllegalStateException");
            assertThat(event.requestParameters()).containsEntry("id", "o-7");
            assertThat(extra(event, "httpStatus")).isEqualTo("500");
            assertThat(sink.events())
                    .filteredOn(e -> e.eventName().equals("ShipOrder"))
                    .hasSize(1);
        }

        @Test
        void readHandlersAreNotAuditedByDefault() throws Exception {
            assertThat(send("GET", "/orders/o-1", "alice", "").statusCode()).isEqualTo(404);
            send("POST", "/orders", "alice", "{\"sku\":\"marker\",\"quantity\":1,\"password\":\"x\"}");
            awaitEvent("CreateOrder");
            assertThat(sink.events()).extracting(AuditEvent::eventName).doesNotContain("GetOrder");
        }

        @Test
        void signInSuccessFailureAndSignOutAreRecordedAndTheSessionIsAConsole() throws Exception {
            HttpClient browser = HttpClient.newBuilder()
                    .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                    .build();
            HttpResponse<String> ok = form(browser, "/login", "username=alice&password=alice-pw");
            assertThat(ok.statusCode()).isEqualTo(200);
            AuditEvent signIn =
                    awaitEvent(e -> e.eventType() == EventType.CONSOLE_SIGNIN && e.outcome() == Outcome.SUCCESS);
            assertThat(signIn.eventName()).isEqualTo("ConsoleSignin");
            assertThat(userName(signIn)).isEqualTo("alice");
            assertThat(signIn.sourceIpAddress()).isEqualTo("127.0.0.1");

            HttpResponse<String> created = browser.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"sku\":\"console\",\"quantity\":1,\"password\":\"x\"}"))
                            .header("Content-Type", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            AuditEvent fromConsole = awaitEvent("CreateOrder");
            assertThat(fromConsole.eventType()).isEqualTo(EventType.CONSOLE_OPERATION);
            assertThat(userName(fromConsole)).isEqualTo("alice");

            HttpResponse<String> logout = form(browser, "/logout", "");
            assertThat(logout.statusCode()).isEqualTo(200);
            AuditEvent signOut = awaitEvent("ConsoleSignout");
            assertThat(signOut.eventType()).isEqualTo(EventType.CONSOLE_SIGNOUT);
            assertThat(userName(signOut)).isEqualTo("alice");

            assertThat(form(HTTP, "/login", "username=alice&password=wrong").statusCode())
                    .isEqualTo(401);
            AuditEvent wrongPassword = awaitEvent(e -> e.eventType() == EventType.CONSOLE_SIGNIN
                    && e.outcome() == Outcome.FAILURE
                    && userName(e).equals("alice"));
            assertThat(wrongPassword.errorCode()).isEqualTo("BadCredentialsException");

            form(HTTP, "/login", "username=alice-pw-typed-as-name&password=x");
            AuditEvent unknown = awaitEvent(e -> e.eventType() == EventType.CONSOLE_SIGNIN
                    && e.outcome() == Outcome.FAILURE
                    && !userName(e).equals("alice"));
            assertThat(userName(unknown)).isEqualTo("HIDDEN_DUE_TO_SECURITY_REASONS");
            assertThat(unknown.toJson()).doesNotContain("alice-pw-typed-as-name");
        }

        private HttpResponse<String> form(HttpClient client, String path, String body) throws Exception {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Nested
    @SpringBootTest(
            classes = TestWebApp.class,
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                "actiontrail.capture.trusted-proxies=127.0.0.1/32,10.0.0.0/8",
                "actiontrail.capture.read-methods=true",
                "actiontrail.data-dir=target/test-journal/${random.uuid}"
            })
    class BehindTrustedProxy extends Base {

        @Test
        void honoursXForwardedForFromATrustedProxy() throws Exception {
            send(
                    "POST",
                    "/orders",
                    "alice",
                    "{\"sku\":\"a\",\"quantity\":1,\"password\":\"x\"}",
                    "X-Forwarded-For",
                    "198.51.100.1, 203.0.113.9, 10.1.2.3");
            // the nearest hop not itself a trusted proxy: 198.51.100.1 may be forged by the client
            assertThat(awaitEvent("CreateOrder").sourceIpAddress()).isEqualTo("203.0.113.9");
        }

        @Test
        void honoursTheForwardedHeaderFromATrustedProxy() throws Exception {
            send(
                    "POST",
                    "/orders",
                    "alice",
                    "{\"sku\":\"b\",\"quantity\":1,\"password\":\"x\"}",
                    "Forwarded",
                    "for=\"[2001:db8::17]:4711\";proto=https");
            assertThat(awaitEvent("CreateOrder").sourceIpAddress()).isEqualTo("2001:db8::17");
        }

        @Test
        void readHandlersAreAuditedAsReadsWhenEnabled() throws Exception {
            send("GET", "/orders/o-404", "bob", "");
            AuditEvent event = awaitEvent("GetOrder");
            assertThat(event.eventRW()).isEqualTo(EventRW.READ);
            assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(List.of("404")).contains(String.valueOf(extra(event, "httpStatus")));
        }
    }
}
