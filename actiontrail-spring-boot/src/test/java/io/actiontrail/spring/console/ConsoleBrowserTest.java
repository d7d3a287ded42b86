package io.actiontrail.spring.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.spring.console.app.ConsoleApp;
import io.actiontrail.spring.web.WebApps;
import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.util.FileSystemUtils;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; never a
 * downloaded browser) against real servers: the application with Spring Security and its login form, with a few
 * hundred events; and one without, where the page asks for the bearer token. Searching, quick ranges, paging, an
 * event's detail, a resource's timeline, the histogram, exports, the trails page, the keyboard, and events whose every
 * field is an attack on the page. Screenshots go to {@code target/console-screenshots}.
 */
class ConsoleBrowserTest {

    static final String MISSING =
            "Headless Chromium is required: run 'apt-get install -y chromium chromium-driver' as root";

    private static final String CHROMIUM = System.getProperty("actiontrail.test.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER =
            System.getProperty("actiontrail.test.chromedriver", "/usr/bin/chromedriver");

    @RegisterExtension
    static final WebApps.Running APP =
            WebApps.running(ConsoleApp.class, "actiontrail.console.enabled=true", "test.archive-down=true");

    @RegisterExtension
    static final TokenConsoleApp TOKEN_APP = new TokenConsoleApp();

    /** Attacks on the page, one per field an outsider can fill; each would set window.__pwned if it ran. */
    private static final Map<String, String> ATTACKS = attacks();

    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private static @Nullable ChromeDriver driver;
    private static @Nullable Path profile;
    private static @Nullable Path downloads;

    private static Map<String, String> attacks() {
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("user", "<script>window.__pwned='user'</script>");
        attacks.put("event", "<img src=x onerror=\"window.__pwned='event'\">");
        attacks.put("resource", "javascript:window.__pwned='resource'//");
        attacks.put("ip", "\"><svg onload=\"window.__pwned='ip'\">");
        attacks.put("agent", "\"><img src=x onerror=\"window.__pwned='agent';document.title='pwned'\">");
        attacks.put("error", "</pre><iframe src=\"javascript:parent.__pwned='error'\"></iframe>");
        attacks.put("parameter", "<a href=\"javascript:window.__pwned='parameter'\">click</a>");
        return Map.copyOf(attacks);
    }

    private static String attack(String field) {
        return Objects.requireNonNull(ATTACKS.get(field), field);
    }

    @BeforeAll
    static void startTheBrowserAndRecordEvents() throws IOException {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            fail(MISSING);
        }
        recordEvents(APP.bean(ActionTrail.class));
        recordInsights(APP.bean(ActionTrail.class));
        recordEvents(TOKEN_APP.actionTrail());
        Files.createDirectories(SCREENSHOTS);
        Path directory = Files.createTempDirectory("actiontrail-chromium");
        profile = directory;
        downloads = Files.createDirectories(directory.resolve("downloads"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + directory.resolve("profile"),
                "--window-size=1366,860",
                "--lang=en-US");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        options.setExperimentalOption(
                "prefs",
                Map.of(
                        "download.default_directory",
                        downloads.toString(),
                        "download.prompt_for_download",
                        false,
                        "intl.accept_languages",
                        "en-US"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            throw new AssertionError(MISSING + " (starting it failed: " + e.getMessage() + ")", e);
        }
    }

    /**
     * Takes a screenshot of what the page showed when the test ended, for when one fails; then checks that the browser
     * reported no Content-Security-Policy or Trusted Types violation: the page never even tried to run anything inline
     * or to turn text into markup.
     */
    @AfterEach
    void screenshotTheEndAndCheckTheConsole(TestInfo test) throws IOException {
        screenshot("end-of-" + test.getTestMethod().map(m -> m.getName()).orElse("test"));
        List<String> violations = browser().manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Trusted"))
                .toList();
        assertThat(violations).isEmpty();
    }

    @AfterAll
    static void stopTheBrowser() {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (profile != null) {
                FileSystemUtils.deleteRecursively(profile.toFile());
            }
        }
    }

    /**
     * 300 events over the last 20 hours or so, busier at some times than at others (alice, bob, carol, dave; every 7th a
     * failure, every 11th denied), two
     * {@code ArchiveOrder} events three days ago, and the attacks, in the tenant {@code xss}, a minute ago.
     */
    private static void recordEvents(ActionTrail actionTrail) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String[] users = {"alice", "bob", "carol", "dave"};
        String[] names = {"CreateOrder", "GetOrder", "UpdateOrder", "DeleteOrder", "GetInvoice"};
        Random gaps = new Random(11);
        Instant[] times = new Instant[300];
        Instant time = now.minus(Duration.ofMinutes(5));
        for (int i = 299; i >= 0; i--) {
            time = time.minusSeconds(30L + gaps.nextInt(i % 60 < 20 ? 180 : 420));
            times[i] = time;
        }
        for (int i = 0; i < 300; i++) { // in the order of time, as an application records them
            AuditEvent.Builder event = AuditEvent.builder(names[i % names.length])
                    .eventTime(times[i])
                    .eventRW(i % 5 == 1 || i % 5 == 4 ? EventRW.READ : EventRW.WRITE)
                    .eventType(EventType.API_CALL)
                    .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                            .userName(users[i % users.length])
                            .accountId("shop")
                            .build())
                    .resource(i % 5 == 4 ? "Invoice" : "Order", (i % 5 == 4 ? "inv-" : "o-") + (i % 15))
                    .sourceIpAddress("203.0.113." + (i % 50))
                    .userAgent("Mozilla/5.0 (X11; Linux x86_64) shop-admin/" + (i % 3))
                    .requestParameter("orderId", "o-" + (i % 15));
            if (i % 7 == 3) {
                event.outcome(Outcome.FAILURE).errorCode("Conflict").errorMessage("order was changed meanwhile");
            } else if (i % 11 == 5) {
                event.outcome(Outcome.DENIED).errorCode("Forbidden").errorMessage("not the order's owner");
            } else {
                event.outcome(Outcome.SUCCESS);
            }
            actionTrail.record(event.build());
        }
        for (int i = 0; i < 2; i++) { // recorded late: a journal copied in from elsewhere
            actionTrail.record(AuditEvent.builder("ArchiveOrder")
                    .eventTime(now.minus(Duration.ofDays(3)).plusSeconds(i))
                    .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                            .userName("erin")
                            .accountId("shop")
                            .build())
                    .resource("Order", "o-archived-" + i)
                    .outcome(Outcome.SUCCESS)
                    .build());
        }
        actionTrail.record(AuditEvent.builder(attack("event"))
                .eventTime(now.minus(Duration.ofMinutes(1)))
                .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                        .userName(attack("user"))
                        .accountId("xss")
                        .build())
                .resource("Order", attack("resource"))
                .sourceIpAddress(attack("ip"))
                .userAgent(attack("agent"))
                .requestParameter("note", attack("parameter"))
                .requestParameter(attack("parameter"), "as a key")
                .outcome(Outcome.FAILURE)
                .errorCode("Invalid")
                .errorMessage(attack("error"))
                .build());
    }

    /**
     * Two insights two days ago, as the insights engine records them: a call-rate insight that started and ended ten
     * minutes later, and a source-IP insight still going on, whose object and top contributor are attacks.
     */
    private static void recordInsights(ActionTrail actionTrail) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        actionTrail.record(
                insight("ins-rate-1", "Start", "ApiCallRateInsight", "CreateOrder/orders", start, "mallory"));
        actionTrail.record(insight(
                "ins-rate-1", "End", "ApiCallRateInsight", "CreateOrder/orders", start.plusSeconds(600), "mallory"));
        actionTrail.record(
                insight("ins-ip-1", "Start", "IpInsight", attack("resource"), start.plusSeconds(30), attack("user")));
    }

    private static AuditEvent insight(
            String shared, String state, String type, String object, Instant time, String top) {
        Map<String, @Nullable Object> statistics = new LinkedHashMap<>();
        statistics.put("baseline", Map.of("average", 3.2));
        statistics.put("insight", Map.of("average", 48.5));
        Map<String, @Nullable Object> context = new LinkedHashMap<>();
        context.put("statistics", statistics);
        context.put(
                "attributions",
                List.of(Map.of("attribute", "userName", "insight", List.of(Map.of("value", top, "count", 420)))));
        Map<String, @Nullable Object> details = new LinkedHashMap<>();
        details.put("state", state);
        details.put("insightType", type);
        details.put("insightObject", object);
        details.put("insightContext", context);
        return AuditEvent.builder(type)
                .eventTime(time)
                .eventType(EventType.INSIGHT)
                .eventCategory(EventCategory.INSIGHT)
                .eventRW(EventRW.READ)
                .resource("Insight", object)
                .sharedEventId(shared)
                .insightDetails(details)
                .build();
    }

    // ---------------------------------------------------------------- helpers

    private static ChromeDriver browser() {
        return Objects.requireNonNull(driver, "the browser starts before all tests");
    }

    private static <T> T await(Function<WebDriver, @Nullable T> condition) {
        return new WebDriverWait(browser(), Duration.ofSeconds(15))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    private static @Nullable Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) browser()).executeScript(script, arguments);
    }

    /** The cells' text of a table's rows, once it has loaded. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> rows(String table) {
        await(d -> "false".equals(d.findElement(By.id(table)).getAttribute("aria-busy")));
        return (List<List<String>>) Objects.requireNonNull(script(
                "return [...document.querySelectorAll('#' + arguments[0] + ' tbody tr')]"
                        + ".map(r => [...r.cells].map(c => c.textContent))",
                table));
    }

    private static List<List<String>> awaitRows(String table, java.util.function.Predicate<List<List<String>>> ok) {
        return await(d -> {
            List<List<String>> rows = rows(table);
            return ok.test(rows) ? rows : null;
        });
    }

    private static String q(String search) {
        return URLEncoder.encode(search, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Opens a view of the Spring Security application, signing in through its login form when it asks. */
    private static void open(String hash) {
        browser().get("about:blank"); // a fresh page each time, not a change of the hash
        browser().get(APP.url() + "/actiontrail/" + hash);
        if (Objects.requireNonNull(browser().getCurrentUrl()).contains("/login")) {
            browser().findElement(By.id("username")).sendKeys("auditor");
            browser().findElement(By.id("password")).sendKeys("auditor-pw");
            browser().findElement(By.cssSelector("button[type=submit]")).click();
            await(d -> Objects.requireNonNull(d.getCurrentUrl()).contains("/actiontrail/"));
            browser().get("about:blank");
            browser().get(APP.url() + "/actiontrail/" + hash);
        }
        await(d -> d.findElement(By.cssSelector("main")).isDisplayed());
    }

    /** Types on the keyboard, into whatever has the focus. */
    private static void type(CharSequence... keys) {
        new Actions(browser()).sendKeys(keys).perform();
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser().getScreenshotAs(OutputType.BYTES));
    }

    private static void assertNothingRan() {
        assertThat(script("return typeof window.__pwned")).isEqualTo("undefined");
        assertThat(browser().getTitle()).isEqualTo("ActionTrail");
    }

    private static int column(String name) {
        return List.of("time", "user", "event", "resource", "ip", "outcome").indexOf(name);
    }

    // ---------------------------------------------------------------- the tests

    @Test
    void signsInThroughTheApplicationThenSearchesInTheSyntaxAndTheQuickRanges() throws IOException {
        browser().get(APP.url() + "/login");
        browser().manage().deleteAllCookies();
        browser().get(APP.url() + "/actiontrail/");
        assertThat(browser().getCurrentUrl()).endsWith("/login");
        open("");

        // the last 24 hours by default, the console's own reads (LookupEvents…) among them
        awaitRows("events", rows -> rows.size() == 50);
        assertThat(browser().findElement(By.cssSelector("[data-range='24h']")).getAttribute("aria-pressed"))
                .isEqualTo("true");
        WebElement search = browser().findElement(By.id("q"));
        search.sendKeys("tenant:shop", Keys.ENTER);
        await(d -> d.findElement(By.id("matched")).getText().equals("300 events"));
        assertThat(browser().findElements(By.cssSelector("#chart .bar-failure")))
                .isNotEmpty();
        assertThat(browser().findElements(By.cssSelector("#chart .bar-denied"))).isNotEmpty();
        assertThat(browser().findElements(By.cssSelector("#chart .bar-ok")).size())
                .isGreaterThan(50);
        awaitRows("events", rows -> rows.size() == 50);
        screenshot("events");

        // a bar of the histogram narrows the search to its quarter of an hour
        WebElement bar = browser()
                .findElements(By.cssSelector("#chart .bucket:has(rect)"))
                .get(0);
        Instant start = Instant.parse(Objects.requireNonNull(bar.getAttribute("data-start")));
        bar.click();
        await(d -> Objects.requireNonNull(d.getCurrentUrl()).contains("before"));
        awaitRows("events", rows -> !rows.isEmpty() && rows.size() < 50);
        for (WebElement cell : browser().findElements(By.cssSelector("#events tbody td.c-time"))) {
            assertThat(Instant.parse(Objects.requireNonNull(cell.getAttribute("title"))))
                    .isBetween(start, start.plus(Duration.ofMinutes(15)).minusMillis(1));
        }
        assertThat(browser().findElement(By.id("q")).getAttribute("value"))
                .startsWith("after:" + start.toString().replace(".000Z", "Z"))
                .endsWith("tenant:shop");

        search.clear();
        search.sendKeys("user:alice -outcome:Success", Keys.ENTER);
        List<List<String>> alice = awaitRows(
                "events",
                rows -> !rows.isEmpty()
                        && rows.stream().allMatch(r -> r.get(column("user")).equals("alice")));
        assertThat(alice).allSatisfy(r -> assertThat(r.get(column("outcome"))).isIn("Failure", "Denied"));
        assertThat(browser().getCurrentUrl()).contains("q=user%3Aalice");
        assertThat(browser().findElement(By.id("matched")).getText()).isEqualTo(alice.size() + " events");

        search.clear();
        search.sendKeys("action:ArchiveOrder", Keys.ENTER);
        await(d -> d.findElement(By.id("events-empty")).isDisplayed());
        browser().findElement(By.cssSelector("[data-range='7d']")).click();
        List<List<String>> archived = awaitRows("events", rows -> rows.size() == 2);
        assertThat(archived).allSatisfy(r -> assertThat(r.get(column("user"))).isEqualTo("erin"));
        assertThat(browser().findElement(By.cssSelector("[data-range='7d']")).getAttribute("aria-pressed"))
                .isEqualTo("true");
        assertThat(browser().getCurrentUrl()).contains("range=7d");

        search.clear();
        search.sendKeys("user:alice usr:bob", Keys.ENTER);
        WebElement error = await(d -> {
            WebElement banner = d.findElement(By.id("error"));
            return banner.isDisplayed() ? banner : null;
        });
        assertThat(error.getText()).contains("400").contains("unknown key 'usr'");
    }

    @Test
    void pagesThroughTheHistoryWithMore() {
        open("#/events?q=" + q("tenant:shop") + "&range=24h");
        List<List<String>> first = awaitRows("events", rows -> rows.size() == 50);
        browser().findElement(By.id("events-more")).click();
        awaitRows("events", rows -> rows.size() == 100);
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) Objects.requireNonNull(
                script("return [...document.querySelectorAll('#events tbody tr')].map(r => r.dataset.id)"));
        assertThat(ids).hasSize(100).doesNotHaveDuplicates();
        List<String> times = new ArrayList<>();
        for (WebElement cell : browser().findElements(By.cssSelector("#events tbody td.c-time"))) {
            times.add(Objects.requireNonNull(cell.getAttribute("title")));
        }
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(first.get(0)).isNotEmpty();
    }

    @Test
    void opensAnEventThenItsResourcesTimeline() throws IOException {
        open("#/events?q=" + q("user:bob resource:Order/o-5") + "&range=24h");
        List<List<String>> rows = awaitRows("events", r -> !r.isEmpty());
        assertThat(rows).allSatisfy(r -> assertThat(r.get(column("resource"))).isEqualTo("Order/o-5"));
        WebElement row = browser().findElement(By.cssSelector("#events tbody tr"));
        String id = Objects.requireNonNull(row.getAttribute("data-id"));
        row.findElement(By.cssSelector("td.c-time")).click();

        WebElement json = await(d -> {
            WebElement pre = d.findElement(By.id("detail-json"));
            return pre.isDisplayed() && pre.getText().contains(id) ? pre : null;
        });
        assertThat(json.getText()).contains("\"eventId\": \"" + id + "\"", "\"userName\": \"bob\"");
        assertThat(browser().getCurrentUrl()).contains("event=" + id);
        browser().findElement(By.id("detail-copy")).click();
        await(d -> d.findElement(By.id("detail-copy")).getText().equals("Copied"));
        screenshot("event-detail");

        // the URL alone opens the same view
        String link = Objects.requireNonNull(browser().getCurrentUrl());
        browser().get("about:blank");
        browser().get(link);
        await(d -> d.findElement(By.id("detail-json")).getText().contains(id));

        browser().findElement(By.cssSelector("#detail-facts button.resource")).click();
        List<List<String>> timeline = awaitRows(
                "timeline",
                r -> !r.isEmpty()
                        && r.stream().allMatch(c -> c.get(column("resource")).equals("Order/o-5")));
        assertThat(browser().findElement(By.id("timeline-title")).getText()).isEqualTo("Order/o-5");
        assertThat(timeline.stream().map(r -> r.get(column("user"))).distinct())
                .hasSizeGreaterThan(1); // every user's events on it, not only bob's
        List<String> times = new ArrayList<>();
        for (WebElement cell : browser().findElements(By.cssSelector("#timeline tbody td.c-time"))) {
            times.add(Objects.requireNonNull(cell.getAttribute("title")));
        }
        assertThat(times).isSorted(); // oldest first
        assertThat(browser().findElement(By.id("detail")).isDisplayed()).isFalse();
    }

    @Test
    void worksFromTheKeyboard() {
        open("#/events?range=24h");
        awaitRows("events", rows -> rows.size() == 50);
        type("/");
        WebElement search = browser().switchTo().activeElement();
        assertThat(search.getAttribute("id")).isEqualTo("q");
        search.sendKeys("user:carol outcome:denied", Keys.ENTER);
        awaitRows(
                "events",
                rows -> !rows.isEmpty()
                        && rows.stream()
                                .allMatch(r -> r.get(column("user")).equals("carol")
                                        && r.get(column("outcome")).equals("Denied")));

        browser().findElement(By.cssSelector("#events tbody tr")).sendKeys(Keys.ARROW_DOWN);
        WebElement second = browser().switchTo().activeElement();
        assertThat(second.getAttribute("data-id"))
                .isEqualTo(browser()
                        .findElements(By.cssSelector("#events tbody tr"))
                        .get(1)
                        .getAttribute("data-id"));
        second.sendKeys(Keys.ENTER);
        await(d -> d.findElement(By.id("detail-json")).getText().contains("\"Denied\""));
        browser().switchTo().activeElement().sendKeys(Keys.ESCAPE);
        await(d -> !d.findElement(By.id("detail")).isDisplayed());
        assertThat(browser().switchTo().activeElement().getAttribute("data-id"))
                .isEqualTo(second.getAttribute("data-id"));
        assertThat(browser().getCurrentUrl()).doesNotContain("event=");
    }

    @Test
    void exportsTheSearchAsCsv() throws IOException {
        open("#/events?q=" + q("user:dave outcome:failure") + "&range=24h");
        List<List<String>> rows = awaitRows("events", r -> !r.isEmpty());
        Path file = Objects.requireNonNull(downloads).resolve("actiontrail-events.csv");
        Files.deleteIfExists(file);
        browser().findElement(By.id("export-csv")).click();
        String csv = await(d -> downloaded(file));
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).startsWith("eventTime,eventId,eventName");
        assertThat(lines).hasSize(rows.size() + 1);
        assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l).contains("dave", "Failure"));
    }

    /** The whole file once the browser has finished writing it, or null. */
    private static @Nullable String downloaded(Path file) {
        try {
            if (!Files.exists(file)) {
                return null;
            }
            try (Stream<Path> partial = Files.list(Objects.requireNonNull(downloads))) {
                if (partial.anyMatch(p -> p.toString().endsWith(".crdownload"))) {
                    return null;
                }
            }
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void listsTheInsightsWithTheirRatesAndContributorsAndOpensOne() throws IOException {
        open("#/insights");
        List<List<String>> rows = awaitRows(
                "insights",
                r -> r.stream().anyMatch(c -> c.get(2).equals("CreateOrder/orders"))
                        && r.stream().anyMatch(c -> c.get(2).equals(attack("resource"))));
        // state, insight, about, started, lasted, baseline, during, top contributors
        List<String> rate = rows.stream()
                .filter(c -> c.get(2).equals("CreateOrder/orders"))
                .findFirst()
                .orElseThrow();
        assertThat(rate.get(0)).isEqualTo("ended");
        assertThat(rate.get(1)).isEqualTo("ApiCallRateInsight");
        assertThat(rate.get(4)).isEqualTo("10 min");
        assertThat(rate.get(5)).isEqualTo("3.20/min");
        assertThat(rate.get(6)).isEqualTo("48.5/min");
        assertThat(rate.get(7)).contains("userName", "mallory");
        List<String> ip = rows.stream()
                .filter(c -> c.get(2).equals(attack("resource")))
                .findFirst()
                .orElseThrow();
        assertThat(ip.get(0)).isEqualTo("ongoing");
        assertThat(ip.get(1)).isEqualTo("IpInsight");
        assertThat(ip.get(7)).contains(attack("user")); // as text, never as markup
        assertNothingRan();
        assertThat(browser().findElement(By.id("insights-summary")).getText()).contains("ongoing");
        assertThat(browser().findElement(By.id("nav-insights")).getAttribute("class"))
                .contains("active");
        screenshot("insights");

        browser()
                .findElement(By.cssSelector("#insights tbody tr[data-insight='ins-rate-1']"))
                .click();
        WebElement json = await(d -> {
            WebElement pre = d.findElement(By.id("detail-json"));
            return pre.isDisplayed() && pre.getText().contains("ins-rate-1") ? pre : null;
        });
        assertThat(json.getText()).contains("\"sharedEventId\": \"ins-rate-1\"", "\"state\": \"Start\"");
        assertThat(browser().findElement(By.id("detail-title")).getText()).isEqualTo("ApiCallRateInsight");
    }

    @Test
    void showsTheTrailsWithTheirSinksAndTheJournal() throws IOException {
        open("#/trails");
        List<String> delivering = sinkCells("testSink", cells -> !cells.get(0).isEmpty());
        assertThat(Long.parseLong(delivering.get(2).replace(",", ""))).isGreaterThan(300); // delivered
        assertThat(delivering.get(7)).isEqualTo("none");

        // the archive is down: its events wait in the journal, with the error and how long the oldest has waited
        List<String> down = sinkCells("archive", cells -> !cells.get(7).equals("none"));
        assertThat(down.get(2)).isEqualTo("0");
        assertThat(Long.parseLong(down.get(3).replace(",", ""))).isGreaterThan(300); // pending
        assertThat(down.get(4)).matches("1\\d h \\d+ min"); // lag: the oldest event waiting is some 16 hours old
        assertThat(down.get(7)).contains("injected retryable failure of in-memory sink 'archive'");
        assertThat(browser().findElement(By.id("journal")).getText()).contains("Durability", "GROUP", "healthy");
        assertThat(browser().findElement(By.id("nav-trails")).getAttribute("class"))
                .contains("active");
        screenshot("trails");
    }

    /** The text of a sink's cells on the trails page, once they satisfy the condition (the page reloads them). */
    @SuppressWarnings("unchecked")
    private static List<String> sinkCells(String sink, java.util.function.Predicate<List<String>> ok) {
        return await(d -> {
            d.navigate().refresh();
            await(b -> "false".equals(b.findElement(By.id("trails")).getAttribute("aria-busy")));
            List<String> cells = (List<String>) script(
                    "const row = document.querySelector('#trails tr[data-sink=\"' + arguments[0] + '\"]');"
                            + "return row ? [...row.cells].map(c => c.textContent) : null",
                    sink);
            return cells != null && ok.test(cells) ? cells : null;
        });
    }

    @Test
    void showsEveryAttackingFieldAsTextAndRunsNothing() throws IOException {
        open("#/events?q=" + q("tenant:xss") + "&range=24h");
        List<List<String>> rows = awaitRows("events", r -> r.size() == 1);
        List<String> row = rows.get(0);
        assertThat(row.get(column("user"))).isEqualTo(attack("user"));
        assertThat(row.get(column("event"))).isEqualTo(attack("event"));
        assertThat(row.get(column("resource"))).isEqualTo("Order/" + attack("resource"));
        assertThat(row.get(column("ip"))).isEqualTo(attack("ip"));
        assertThat(browser().findElements(By.cssSelector("#events tbody :is(img, script, svg, iframe, a)")))
                .isEmpty();
        assertNothingRan();

        browser().findElement(By.cssSelector("#events tbody td.c-time")).click();
        await(d -> d.findElement(By.id("detail-json")).getText().contains("\"note\""));
        String facts = browser().findElement(By.id("detail-facts")).getText();
        assertThat(facts).contains(attack("agent"), "Invalid: " + attack("error"));
        String json = browser().findElement(By.id("detail-json")).getText();
        assertThat(json).contains("\"note\": \"" + attack("parameter").replace("\"", "\\\"") + "\"");
        assertThat(browser().findElement(By.id("detail-title")).getText()).isEqualTo(attack("event"));
        assertThat(browser().findElements(By.cssSelector("#detail :is(img, script, svg, iframe, a)")))
                .isEmpty();
        assertNothingRan();

        // the javascript: resource is a name to look up, never an address to follow
        browser().findElement(By.cssSelector("#detail-facts button.resource")).click();
        awaitRows("timeline", r -> r.size() == 1);
        assertThat(browser().findElement(By.id("timeline-title")).getText()).isEqualTo("Order/" + attack("resource"));
        assertNothingRan();

        // and a search for the attack itself finds it, the search box showing it literally
        type("/");
        String search = "user:\"" + attack("user") + "\"";
        browser().switchTo().activeElement().sendKeys(search, Keys.ENTER);
        awaitRows("events", r -> r.size() == 1 && r.get(0).get(column("user")).equals(attack("user")));
        assertThat(browser().findElement(By.id("q")).getAttribute("value")).isEqualTo(search);
        assertNothingRan();
        screenshot("attacks");
    }

    @Test
    void withATokenAsksForItRefusesAWrongOneAndDownloadsThroughTheToken() throws IOException {
        browser().get(TOKEN_APP.url() + "/actiontrail/#/events?q=" + q("user:alice") + "&range=24h");
        WebElement dialog = await(d -> {
            WebElement element = d.findElement(By.id("token-dialog"));
            return element.isDisplayed() ? element : null;
        });
        assertThat(browser().findElements(By.cssSelector("#events tbody tr"))).isEmpty();
        dialog.findElement(By.id("token")).sendKeys("not-the-token", Keys.ENTER);
        WebElement problem = await(d -> {
            WebElement element = d.findElement(By.id("token-error"));
            return element.isDisplayed() ? element : null;
        });
        assertThat(problem.getText()).isEqualTo("The token was not accepted.");
        assertThat(script("return sessionStorage.getItem('actiontrail.token')")).isNull();
        screenshot("token");

        WebElement input = browser().findElement(By.id("token"));
        input.clear();
        input.sendKeys(TokenConsoleApp.TOKEN, Keys.ENTER);
        List<List<String>> rows = awaitRows("events", r -> r.size() == 50);
        assertThat(rows).allSatisfy(r -> assertThat(r.get(column("user"))).isEqualTo("alice"));
        assertThat(browser().findElement(By.id("token-dialog")).isDisplayed()).isFalse();

        browser().navigate().refresh(); // kept for the tab
        awaitRows("events", r -> r.size() == 50);

        Path file = Objects.requireNonNull(downloads).resolve("actiontrail-events.ndjson");
        Files.deleteIfExists(file);
        browser().findElement(By.id("export-ndjson")).click();
        List<String> lines = await(d -> downloaded(file)).lines().toList();
        assertThat(lines).hasSize(75); // alice: every 4th of the 300
        assertThat(lines).allSatisfy(l -> assertThat(l).contains("\"userName\":\"alice\""));

        browser().findElement(By.id("forget")).click();
        await(d -> d.findElement(By.id("token-dialog")).isDisplayed());
        assertThat(script("return sessionStorage.getItem('actiontrail.token')")).isNull();
        assertThat(browser().findElements(By.cssSelector("#events tbody tr"))).isEmpty();
    }
}
