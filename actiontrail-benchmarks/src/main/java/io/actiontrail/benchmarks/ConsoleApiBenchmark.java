package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The ActionTrail HTTP API over {@code events} journaled {@link QueryData} events, over real HTTP on loopback: a
 * Spring Boot servlet application (Tomcat) whose own journal holds the events, with the API enabled in bearer-token
 * mode ({@code actiontrail.console.token-sha256}), called by the JDK's {@link HttpClient} (HTTP/1.1, one kept-alive
 * connection at a time) with the token. Every call goes through the API's filter, token check, search syntax, journal
 * lookup, JSON or CSV writing and the audit event the API records about each call, as a client of the API gets it.
 *
 * <p>{@code searchByResource}: {@code q=resource:Order/ord-i} over the 7 days (1 match) and {@code searchUserFirstPage}:
 * {@code q=user:user-u} over the 7 days, the first page of 50 (1 event in 1,000 matches), sampled
 * ({@link Mode#SampleTime}: p50, p99, p99.9 of the whole request, body read). {@code exportCsv} and
 * {@code exportNdjson}: {@code /export} of the whole 7 days, streamed and consumed (lines counted, every event
 * checked to be there), one export per iteration ({@link Mode#SingleShotTime}): rows per second is {@code events}
 * divided by the score, which {@link BenchmarkMain} adds to the notes.
 *
 * <p>The journal is built once by {@link LookupBenchmark#build} (index on) and kept between trials and runs in the
 * benchmarks' directory ({@link Fixtures#DIR_PROPERTY}), as {@code actiontrail-api-journal-<events>}: 10,000,000
 * events take minutes to journal and about 7 GB. The application journals its own audit events there after the
 * 7 days, which every query leaves out; a journal whose 7 days began more than {@value #REUSE_DAYS} days ago is
 * rebuilt. Delete the directory to rebuild it.
 *
 * <p>One benchmark thread: the {@link HttpClient} is thread-safe, the rest is set up once per trial.
 */
@State(Scope.Benchmark)
public class ConsoleApiBenchmark {

    /** The bearer token of the benchmark's application; only its SHA-256 is configured. */
    static final String TOKEN = "bench-api-token-5c1e0b";

    /** A cached journal older than this is rebuilt (the application's retention is 90 days). */
    static final int REUSE_DAYS = 30;

    private static final String MARKER = "bench-api-journal.properties";

    /** How many events are journaled; {@link BenchmarkMain}'s full profile runs 10,000,000. */
    @Param({"1000000"})
    public int events = 1_000_000;

    /** An application with the ActionTrail starter's defaults and one counting sink (no log of every call). */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    public static class ApiApp {
        /** The trail's sink. */
        @Bean
        CountingSink benchSink() {
            return new CountingSink();
        }
    }

    @SuppressWarnings("NullAway.Init")
    ConfigurableApplicationContext app;

    @SuppressWarnings("NullAway.Init")
    HttpClient http;

    @SuppressWarnings("NullAway.Init")
    String base;

    /** {@code after:<start> before:<end>}: the 7 days of the events. */
    @SuppressWarnings("NullAway.Init")
    String range;

    private long requests;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Path dir = Path.of(System.getProperty(Fixtures.DIR_PROPERTY, System.getProperty("java.io.tmpdir")))
                .resolve("actiontrail-api-journal-" + events);
        Instant start = journal(dir, events);
        range = "after:" + start + " before:" + start.plus(QueryData.SPAN);
        long starting = System.nanoTime();
        app = new SpringApplicationBuilder(ApiApp.class)
                .properties(
                        "spring.main.web-application-type=servlet",
                        "spring.main.banner-mode=off",
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "logging.level.root=warn",
                        "actiontrail.service-name=bench",
                        "actiontrail.data-dir=" + dir,
                        "actiontrail.console.enabled=true",
                        "actiontrail.console.token-sha256=" + sha256(TOKEN))
                .run();
        double startSeconds = (System.nanoTime() - starting) / 1e9;
        base = "http://127.0.0.1:" + app.getEnvironment().getRequiredProperty("local.server.port") + "/actiontrail/api";
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        // the application answers before timing starts: one search of each kind, checked
        searchByResource();
        searchUserFirstPage();
        Notes.add(
                "api events=" + events,
                String.format(
                        Locale.ROOT,
                        "application started in %.1f s over %s; load average %.1f at set-up",
                        startSeconds,
                        dir.getFileName(),
                        load));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ActionTrail actionTrail = app.getBean(ActionTrail.class);
        Notes.add(
                "api events=" + events,
                String.format(
                        Locale.ROOT,
                        "%,d API calls in the trial, each recorded by the API as an event (%,d journaled in all);"
                                + " load average %.1f at tear-down",
                        requests,
                        actionTrail.journalStatus().nextPosition(),
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        app.close();
    }

    /**
     * Returns the start of the events' 7 days in the journal kept in {@code dir}, after building it if it is missing,
     * incomplete, of another size or too old.
     */
    static Instant journal(Path dir, int events) throws IOException, InterruptedException {
        Path marker = dir.resolve(MARKER);
        if (Files.exists(marker)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(marker)) {
                p.load(in);
            }
            String start = p.getProperty("start");
            if (start != null
                    && String.valueOf(events).equals(p.getProperty("events"))
                    && Instant.parse(start).isAfter(Instant.now().minus(Duration.ofDays(REUSE_DAYS)))) {
                Notes.add("api events=" + events, "reusing the journal built for the 7 days from " + start);
                return Instant.parse(start);
            }
        }
        Fixtures.deleteRecursively(dir);
        Files.createDirectories(dir);
        Instant start = QueryData.start();
        LookupBenchmark.build(dir, events, start, true, "api events=" + events + " (journal built)")
                .close(Duration.ofMinutes(5));
        Properties p = new Properties();
        p.setProperty("events", String.valueOf(events));
        p.setProperty("start", start.toString());
        try (var out = Files.newOutputStream(marker)) {
            p.store(out, "ConsoleApiBenchmark's journal: complete");
        }
        return start;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private HttpRequest get(String pathAndQuery) {
        requests++;
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofMinutes(30))
                .GET()
                .build();
    }

    private static String q(String search) {
        return URLEncoder.encode(search, StandardCharsets.UTF_8);
    }

    private String search(String query, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                get("/events?maxResults=50&q=" + q(query + " " + range)), HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        int found = count(body, "\"eventId\":");
        if (response.statusCode() != 200 || found != expected) {
            throw new IllegalStateException(query + ": HTTP " + response.statusCode() + ", " + found + " events, "
                    + body.substring(0, Math.min(200, body.length())));
        }
        return body;
    }

    /** One order's events over the 7 days: 1 match. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public String searchByResource() throws IOException, InterruptedException {
        long i = ThreadLocalRandom.current().nextInt(events);
        return search("resource:Order/" + QueryData.order(i), 1);
    }

    /** One user's newest 50 over the 7 days (1 event in 1,000 is the user's). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public String searchUserFirstPage() throws IOException, InterruptedException {
        int u = ThreadLocalRandom.current().nextInt(QueryData.USERS);
        return search("user:" + QueryData.userName(u), 50);
    }

    /** Every event of the 7 days as CSV: a header line and one line per event. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long exportCsv() throws IOException, InterruptedException {
        return export("csv", 1);
    }

    /** Every event of the 7 days as NDJSON: one line per event. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long exportNdjson() throws IOException, InterruptedException {
        return export("ndjson", 0);
    }

    private long export(String format, int headerLines) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(
                get("/export?format=" + format + "&q=" + q(range)), HttpResponse.BodyHandlers.ofInputStream());
        long lines = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        long rows = lines - headerLines;
        if (response.statusCode() != 200 || rows != events) {
            throw new IllegalStateException(
                    "export " + format + ": HTTP " + response.statusCode() + ", " + rows + " rows of " + events);
        }
        return rows;
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
