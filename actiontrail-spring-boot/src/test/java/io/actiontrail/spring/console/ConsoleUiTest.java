package io.actiontrail.spring.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.spring.console.app.ConsoleApp;
import io.actiontrail.spring.web.WebApps;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's files over HTTP: behind the application's sign-in with Spring Security, open without it (they hold no
 * data) while the API stays closed, the security headers on every response, and nothing served but the console's own
 * files. The browser tests are in {@link ConsoleBrowserTest}.
 */
class ConsoleUiTest {

    @RegisterExtension
    static final WebApps.Running APP = WebApps.running(ConsoleApp.class, "actiontrail.console.enabled=true");

    @RegisterExtension
    static final TokenConsoleApp TOKEN_APP = new TokenConsoleApp();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> auditor(String path) throws IOException, InterruptedException {
        return get(APP.url() + path, "Authorization", basic("auditor", "auditor-pw"));
    }

    private static void assertSecurityHeaders(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                        + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self';"
                        + " require-trusted-types-for 'script'; trusted-types 'none'");
        assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
                .doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void withSpringSecurityThePageNeedsTheApplicationsSignInAndTheAuthority() throws Exception {
        HttpResponse<String> browser = get(APP.url() + "/actiontrail/", "Accept", "text/html");
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));

        HttpResponse<String> script = get(APP.url() + "/actiontrail/ui/app.js");
        assertThat(script.statusCode()).isEqualTo(401);
        assertThat(script.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).startsWith("Basic"));
        assertThat(script.body()).doesNotContain("import");

        assertThat(get(APP.url() + "/actiontrail/", "Authorization", basic("bob", "bob-pw"))
                        .statusCode())
                .isEqualTo(403);

        HttpResponse<String> page = auditor("/actiontrail/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"ui/app.js\">", "data-auth=\"session\"");
        assertSecurityHeaders(page);
    }

    @Test
    void everyFileThePageAndItsModulesNameIsServedWithItsType() throws Exception {
        String page = auditor("/actiontrail/").body();
        List<String> files = new ArrayList<>(matches(Pattern.compile("(?:src|href)=\"ui/([^\"]+)\""), page));
        assertThat(files).contains("app.js", "console.css", "favicon.svg");
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i);
            HttpResponse<String> file = auditor("/actiontrail/ui/" + name);
            assertThat(file.statusCode()).as(name).isEqualTo(200);
            assertSecurityHeaders(file);
            String type = file.headers().firstValue("Content-Type").orElseThrow();
            if (name.endsWith(".js")) {
                assertThat(type).startsWith("text/javascript");
                for (String imported : matches(Pattern.compile("from '\\./([a-z-]+\\.js)'"), file.body())) {
                    if (!files.contains(imported)) {
                        files.add(imported);
                    }
                }
            } else if (name.endsWith(".css")) {
                assertThat(type).startsWith("text/css");
            } else {
                assertThat(type).isEqualTo("image/svg+xml");
            }
        }
        assertThat(files).contains("api.js", "dom.js", "chart.js", "tables.js", "trails.js");
    }

    @Test
    void theScriptsNeverTurnTextIntoMarkup() throws IOException {
        for (String name : List.of("app.js", "api.js", "dom.js", "chart.js", "tables.js", "trails.js")) {
            String script = resource("ui/" + name);
            assertThat(script)
                    .as(name)
                    .doesNotContain(
                            "innerHTML",
                            "outerHTML",
                            "insertAdjacentHTML",
                            "document.write",
                            "eval(",
                            "new Function",
                            "createContextualFragment",
                            "DOMParser");
        }
        String page = resource("ui/index.html");
        assertThat(page).doesNotContain(" style=", "<style", "javascript:");
        assertThat(page).doesNotContainPattern("\\son[a-z]+=");
        assertThat(page).containsOnlyOnce("<script").contains("<script type=\"module\" src=\"ui/app.js\"></script>");
    }

    @Test
    void nothingButTheConsolesOwnFilesIsServed() throws Exception {
        HttpResponse<String> bare = get(APP.url() + "/actiontrail", "Authorization", basic("auditor", "auditor-pw"));
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location")).hasValue("/actiontrail/");
        for (String path : List.of(
                "/actiontrail/ui/",
                "/actiontrail/ui/index.html",
                "/actiontrail/ui/App.js",
                "/actiontrail/ui/%2e%2e/openapi.json",
                "/actiontrail/ui/..%2fopenapi.json",
                "/actiontrail/ui/sub/app.js",
                "/actiontrail/index.html",
                "/actiontrail/openapi.json")) {
            HttpResponse<String> response = auditor(path);
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertThat(response.body()).as(path).doesNotContain("\"openapi\"");
        }
        HttpResponse<String> post = HTTP.send(
                HttpRequest.newBuilder(URI.create(APP.url() + "/actiontrail/"))
                        .header("Authorization", basic("auditor", "auditor-pw"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertSecurityHeaders(post);
        // a link checker's or a proxy's HEAD gets the page's headers, and no body
        HttpResponse<String> head = HTTP.send(
                HttpRequest.newBuilder(URI.create(APP.url() + "/actiontrail/"))
                        .header("Authorization", basic("auditor", "auditor-pw"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertSecurityHeaders(head);
    }

    @Test
    void theApisAnswersCarryTheSameHeadersRefusalsIncluded() throws Exception {
        assertSecurityHeaders(auditor("/actiontrail/api/events"));
        HttpResponse<String> refused = get(APP.url() + "/actiontrail/api/events");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertSecurityHeaders(refused);
    }

    @Test
    void withATokenThePageIsServedToAnyoneButHoldsNoDataAndTheApiStaysClosed() throws Exception {
        HttpResponse<String> page = get(TOKEN_APP.url() + "/actiontrail/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("data-auth=\"token\"")
                .isEqualTo(resource("ui/index.html").replace("data-auth=\"session\"", "data-auth=\"token\""));
        assertSecurityHeaders(page);
        assertThat(get(TOKEN_APP.url() + "/actiontrail/ui/app.js").statusCode()).isEqualTo(200);

        HttpResponse<String> anonymous = get(TOKEN_APP.url() + "/actiontrail/api/events");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertSecurityHeaders(anonymous);
        assertThat(get(TOKEN_APP.url() + "/actiontrail/api/events", "Authorization", "Bearer wrong")
                        .statusCode())
                .isEqualTo(401);
        HttpResponse<String> allowed =
                get(TOKEN_APP.url() + "/actiontrail/api/events", "Authorization", "Bearer " + TokenConsoleApp.TOKEN);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertSecurityHeaders(allowed);
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(Objects.requireNonNull(m.group(1)));
        }
        return found;
    }

    private static String resource(String name) throws IOException {
        try (@Nullable InputStream in = ConsoleUi.class.getResourceAsStream(name)) {
            return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
