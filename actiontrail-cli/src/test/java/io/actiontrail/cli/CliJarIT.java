package io.actiontrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.query.ReadOnlyJournal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar run as a user runs it, {@code java -jar actiontrail.jar}, in child JVMs over the journal of a service
 * running in this JVM: lookup, export, tail and console end to end, and their exit statuses.
 */
class CliJarIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDir;

    @TempDir
    Path work;

    private static ActionTrail service;
    private final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void seed() {
        service = Journals.service(dataDir);
        Journals.seed(service, 0, 3000);
    }

    @AfterAll
    static void stop() {
        service.close(Duration.ofSeconds(5));
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Path jar() {
        String jar = System.getProperty("cli.jar", "target/actiontrail.jar");
        Path path = Path.of(jar);
        assertThat(path)
                .as("the jar `mvn package` builds; run this test through failsafe")
                .isRegularFile();
        return path;
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(work.toFile()).start();
        children.add(process);
        return process;
    }

    /** Runs the jar to its end; the exit status, standard output and standard error. */
    private CliTest.Run run(String... args) throws IOException, InterruptedException {
        Process process = start(args);
        process.getOutputStream().close();
        byte[][] streams = new byte[2][];
        Thread errReader = new Thread(() -> {
            try {
                streams[1] = process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                streams[1] = new byte[0];
            }
        });
        errReader.start();
        streams[0] = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        errReader.join();
        return new CliTest.Run(
                process.exitValue(),
                new String(streams[0], StandardCharsets.UTF_8),
                new String(streams[1], StandardCharsets.UTF_8));
    }

    /** Reads a child's standard output line by line as it comes. */
    private static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static String next(BlockingQueue<String> lines) throws InterruptedException {
        String line = lines.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as("a line from the child within " + TIMEOUT).isNotNull();
        return line;
    }

    @Test
    void lookupAndExportRunFromTheJar() throws Exception {
        Map<String, String> before = Journals.listing(dataDir);

        CliTest.Run lookup = run("lookup", "--data-dir", dataDir.toString(), "user:u-1", "--json", "--max", "5");
        assertThat(lookup.status()).as(lookup.err()).isZero();
        assertThat(lookup.lines().stream().map(l -> AuditEvent.fromJson(l).eventId()))
                .containsExactlyElementsOf(
                        Journals.ids(service.eventStore(), "user:u-1").subList(0, 5));

        CliTest.Run table = run("lookup", "--data-dir", dataDir.toString(), "resource:Order/o-3");
        assertThat(table.status()).isZero();
        assertThat(table.lines()).hasSize(1 + 50);

        Path csv = work.resolve("all.csv");
        CliTest.Run export =
                run("export", "--data-dir", dataDir.toString(), "--format", "csv", "--output", csv.toString());
        assertThat(export.status()).as(export.err()).isZero();
        int events = Journals.ids(service.eventStore(), "").size(); // the tail test may have added some
        assertThat(events).isGreaterThanOrEqualTo(3000);
        assertThat(Files.readAllLines(csv, StandardCharsets.UTF_8)).hasSize(1 + events);
        assertThat(export.err()).contains("Exported " + events + " events to ");

        assertThat(Journals.listing(dataDir)).isEqualTo(before);
    }

    /**
     * The operating system's own check: the jar runs as a user who may read the directory but not write to it (as
     * root, which these tests may run as, it switches to {@code nobody} with util-linux's {@code setpriv}), over a copy
     * of the running service's journal; any write, lock or delete it tried would fail.
     */
    @Test
    void readsACopyItCannotWriteToAsAnotherUser() throws Exception {
        Path shared = work.resolve("shared");
        Path copy = shared.resolve("journal");
        Files.createDirectories(copy);
        try (java.util.stream.Stream<Path> files = Files.list(dataDir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
        }
        Path jar = Files.copy(jar(), shared.resolve("actiontrail.jar"));
        for (Path p : List.of(work, shared, copy)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        try (java.util.stream.Stream<Path> files = Files.list(copy)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(
                        file, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
            }
        }
        Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        Map<String, String> before = Journals.listing(copy);
        List<String> asReader = new ArrayList<>();
        if (System.getProperty("user.name").equals("root")) {
            asReader.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        try {
            // the set-up is real: this user cannot create a file there
            List<String> touch = new ArrayList<>(asReader);
            touch.addAll(List.of("touch", copy.resolve("probe").toString()));
            Process probe = new ProcessBuilder(touch).redirectErrorStream(true).start();
            assertThat(probe.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(probe.exitValue()).as("touch as the reading user").isNotZero();

            List<String> command = new ArrayList<>(asReader);
            command.addAll(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-XX:-UsePerfData",
                    "-jar",
                    jar.toString(),
                    "lookup",
                    "--data-dir",
                    copy.toString(),
                    "--json",
                    "--max",
                    "100000"));
            Path err = Files.createTempFile("actiontrail-cli", ".err");
            Process lookup = new ProcessBuilder(command)
                    .directory(shared.toFile())
                    .redirectError(err.toFile())
                    .start();
            children.add(lookup);
            lookup.getOutputStream().close();
            String out = new String(lookup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(lookup.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(lookup.exitValue()).as(Files.readString(err)).isZero();
            Files.delete(err);
            List<String> expected;
            try (ReadOnlyJournal journal = ActionTrail.openReadOnly(copy)) {
                expected = Journals.ids(journal, "");
            }
            assertThat(expected).hasSizeGreaterThanOrEqualTo(3000);
            assertThat(out.lines().map(l -> AuditEvent.fromJson(l).eventId())).containsExactlyElementsOf(expected);
            assertThat(Journals.listing(copy)).isEqualTo(before);
        } finally {
            for (Path p : List.of(work, shared, copy)) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    @Test
    void usageErrorsExitWithStatusTwo() throws Exception {
        CliTest.Run bad = run("lookup", "--data-dir", dataDir.toString(), "user:\"unclosed");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).contains("cannot read the search", "^");

        assertThat(run("lookup", "--data-dir", work.resolve("missing").toString())
                        .status())
                .isEqualTo(2);
        assertThat(run().status()).isEqualTo(2);
        CliTest.Run help = run("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("Usage: java -jar actiontrail.jar");
    }

    @Test
    void tailFollowsTheRunningServiceFromTheJar() throws Exception {
        Process tail = start("tail", "--data-dir", dataDir.toString(), "--from-now", "--json", "action:GetOrder");
        BlockingQueue<String> lines = lines(tail);
        BufferedReader err = new BufferedReader(new InputStreamReader(tail.getErrorStream(), StandardCharsets.UTF_8));
        assertThat(err.readLine()).startsWith("Following ");

        Journals.seed(service, 3000, 3400);

        List<String> appended =
                Journals.ids(service.eventStore(), "action:GetOrder").subList(0, 100);
        List<String> followed = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            followed.add(AuditEvent.fromJson(next(lines)).eventId());
        }
        List<String> expected = new ArrayList<>(appended);
        java.util.Collections.reverse(expected);
        assertThat(followed).containsExactlyElementsOf(expected);

        tail.destroy(); // SIGTERM, as Ctrl-C ends it
        assertThat(tail.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void consoleServesTheApiWithThePrintedToken() throws Exception {
        Process console = start("console", "--data-dir", dataDir.toString());
        BlockingQueue<String> lines = lines(console);
        String api = null;
        String token = null;
        while (token == null) {
            String line = next(lines);
            if (line.startsWith("API:")) {
                api = line.substring("API:".length()).strip();
            } else if (line.startsWith("Token: ")) {
                token = line.substring("Token: ".length());
            }
        }
        assertThat(api).startsWith("http://127.0.0.1:").endsWith("/actiontrail/api/events");
        String events = java.util.Objects.requireNonNull(api);
        HttpClient http = HttpClient.newHttpClient();

        assertThat(send(http, events, null).statusCode()).isEqualTo(401);
        HttpResponse<String> page = send(http, events + "?q=user:u-4", token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("\"u-4\"").doesNotContain("\"u-5\"");

        console.destroy();
        assertThat(console.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    private static HttpResponse<String> send(HttpClient http, String url, @Nullable String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
