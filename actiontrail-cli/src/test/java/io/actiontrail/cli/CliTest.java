package io.actiontrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands run in-process against a journal a real {@link ActionTrail} wrote (and keeps open, as a running
 * service does): what they print, what they write, their exit statuses, and that the directory is left as it was.
 */
class CliTest {

    @TempDir
    static Path dataDir;

    @TempDir
    Path work;

    private static ActionTrail service;

    @BeforeAll
    static void seed() {
        service = Journals.service(dataDir);
        Journals.seed(service, 0, 3000);
        Journals.seedHostile(service);
    }

    @AfterAll
    static void stop() {
        service.close(Duration.ofSeconds(5));
    }

    /** What one run printed and returned. */
    record Run(int status, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\R"));
        }
    }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = new Cli(o, e).run(args);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String dir() {
        return dataDir.toString();
    }

    @Test
    void lookupPrintsATableOfTheNewestMatchingEvents() {
        Run run = cli("lookup", "--data-dir", dir(), "user:u-3", "-outcome:Success", "--max", "20");

        assertThat(run.status()).isZero();
        List<String> lines = run.lines();
        assertThat(lines).hasSize(21);
        assertThat(lines.get(0)).startsWith("TIME").contains("USER", "EVENT", "RESOURCE", "SOURCE IP", "OUTCOME");
        List<String> expected = Journals.ids(service.eventStore(), "user:u-3 -outcome:Success");
        assertThat(expected).hasSizeGreaterThan(20);
        for (int i = 0; i < 20; i++) {
            AuditEvent e = service.eventStore()
                    .lookup(io.actiontrail.query.LookupQuery.builder()
                            .eventId(expected.get(i))
                            .startTime(java.time.Instant.EPOCH)
                            .build())
                    .events()
                    .get(0);
            assertThat(lines.get(i + 1))
                    .startsWith(e.eventTime().toString().substring(0, 19))
                    .contains("u-3", e.eventName(), "Order/" + e.resourceName(), e.sourceIpAddress())
                    .endsWith(java.util.Objects.requireNonNull(e.outcome()).wireName());
            assertThat(e.outcome()).isNotEqualTo(Outcome.SUCCESS);
        }
        assertThat(run.err()).contains("20 events shown; more match");
    }

    @Test
    void lookupPrintsJsonLinesOldestFirst() {
        Run run =
                cli("lookup", "--data-dir=" + dir(), "resource:Order/o-7", "--json", "--oldest-first", "--max", "1000");

        assertThat(run.status()).isZero();
        List<String> ids =
                run.lines().stream().map(l -> AuditEvent.fromJson(l).eventId()).toList();
        List<String> newestFirst = Journals.ids(service.eventStore(), "resource:Order/o-7");
        assertThat(ids).hasSize(60).containsExactlyElementsOf(reversed(newestFirst));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void lookupSaysWhenNothingMatches() {
        Run run = cli("lookup", "--data-dir", dir(), "user:nobody");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("No events match.");
    }

    @Test
    void theTableShowsNoControlCharacters() {
        Run run = cli("lookup", "--data-dir", dir(), "action:ExportCustomers");

        assertThat(run.status()).isZero();
        assertThat(run.out()).doesNotContain("\u001b").contains("Order/o-?[2J?[31mred", Journals.FORMULA_USER);
    }

    @Test
    void exportWritesEveryMatchingEventAsCsvWithFormulasNeutralised() throws IOException {
        Path file = work.resolve("export.csv");

        Run run = cli("export", "--data-dir", dir(), "--format", "csv", "--output", file.toString());

        assertThat(run.status()).isZero();
        List<String> rows = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(rows).hasSize(1 + 3001);
        assertThat(rows.get(0)).startsWith("eventTime,eventId,eventName,");
        assertThat(String.join("\n", rows))
                .contains(",\"'=HYPERLINK(\"\"http://attacker.example\"\")\",")
                .doesNotContain(",=HYPERLINK");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("\r\n");
        assertThat(run.err()).contains("Exported 3001 events to " + file);
    }

    @Test
    void exportStreamsNdjsonOfASearch() {
        Run run = cli("export", "--data-dir", dir(), "outcome:denied", "ip:10.0.0.0/8");

        assertThat(run.status()).isZero();
        List<String> ids =
                run.lines().stream().map(l -> AuditEvent.fromJson(l).eventId()).toList();
        assertThat(ids).isNotEmpty().isEqualTo(Journals.ids(service.eventStore(), "outcome:denied ip:10.0.0.0/8"));
    }

    @Test
    void exportNeverWritesIntoTheJournalsDirectory() {
        Run run = cli(
                "export",
                "--data-dir",
                dir(),
                "--output",
                dataDir.resolve("x.ndjson").toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--output must not be inside the journal's directory");
        assertThat(dataDir.resolve("x.ndjson")).doesNotExist();
    }

    @Test
    void everyCommandLeavesTheDirectoryAsItWas() throws IOException {
        service.flush(Duration.ofSeconds(5));
        Map<String, String> before = Journals.listing(dataDir);

        assertThat(cli("lookup", "--data-dir", dir(), "--max", "5000").status()).isZero();
        assertThat(cli("lookup", "--data-dir", dir(), "resource:Order/o-1", "--json")
                        .status())
                .isZero();
        assertThat(cli("export", "--data-dir", dir(), "--format", "csv").status())
                .isZero();

        assertThat(Journals.listing(dataDir)).isEqualTo(before);
    }

    @Test
    void aBadSearchIsAUsageErrorWithACaretUnderTheMistake() {
        Run run = cli("lookup", "--data-dir", dir(), "user:alice", "outcome:maybe");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        List<String> err = Arrays.asList(run.err().split("\\R"));
        int position;
        try {
            io.actiontrail.query.SearchSyntax.parse("user:alice outcome:maybe");
            throw new AssertionError("the search should not parse");
        } catch (io.actiontrail.query.SearchSyntaxException e) {
            position = e.position();
        }
        assertThat(position).isGreaterThan("user:alice ".length() - 1);
        assertThat(err.get(0))
                .startsWith("actiontrail: cannot read the search: ")
                .endsWith("(at " + position + ")");
        assertThat(err.get(1)).isEqualTo("  user:alice outcome:maybe");
        assertThat(err.get(2)).isEqualTo("  " + " ".repeat(position) + "^");
        assertThat(run.err()).contains("lookup --help");
    }

    @Test
    void badOptionsAndMissingDirectoriesAreUsageErrors() throws IOException {
        assertThat(cli().status()).isEqualTo(2);
        assertThat(cli("frobnicate").err()).contains("unknown command frobnicate");
        assertThat(cli("lookup", "--data-dir", dir(), "--colour").err()).contains("unknown option --colour");
        assertThat(cli("lookup", "user:alice").err()).contains("--data-dir DIR is required");
        assertThat(cli("lookup", "--data-dir").err()).contains("--data-dir needs a value");
        assertThat(cli("lookup", "--data-dir", work.resolve("missing").toString())
                        .err())
                .contains("no such directory");
        assertThat(cli("lookup", "--data-dir", work.toString()).err()).contains("no ActionTrail journal in");
        assertThat(cli("lookup", "--data-dir", dir(), "--max", "0").err())
                .contains("--max must be a number from 1 to 1000000: 0");
        assertThat(cli("lookup", "--data-dir", dir(), "--max", "ten").status()).isEqualTo(2);
        assertThat(cli("lookup", "--data-dir", dir(), "--json=yes").err()).contains("--json takes no value");
        assertThat(cli("lookup", "--data-dir", dir(), "--max", "1", "--max", "2")
                        .err())
                .contains("--max is given twice");
        assertThat(cli("export", "--data-dir", dir(), "--format", "xlsx").err())
                .contains("--format must be csv or ndjson: xlsx");
        assertThat(cli("export", "--data-dir", dir(), "--output", work.toString())
                        .err())
                .contains("--output is a directory");
        assertThat(cli("console", "--data-dir", dir(), "--port", "70000").err())
                .contains("--port must be a number from 0 to 65535");
        assertThat(cli("console", "--data-dir", dir(), "user:alice").err()).contains("console takes no search");
        for (String command : List.of("lookup", "export", "tail", "console")) {
            Run run = cli(command, "--bogus");
            assertThat(run.status()).as(command).isEqualTo(2);
            assertThat(run.err()).contains("Run `java -jar actiontrail.jar " + command + " --help` for usage.");
        }
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(cli("--help").out()).contains("Commands:", "lookup", "export", "tail", "console");
        for (String command : List.of("lookup", "export", "tail", "console")) {
            Run run = cli(command, "--help");
            assertThat(run.status()).as(command).isZero();
            assertThat(run.out()).startsWith("Usage: java -jar actiontrail.jar " + command + " --data-dir DIR");
            assertThat(cli(command, "-h").out()).isEqualTo(run.out());
        }
    }

    @Test
    void wordsStartingWithOneDashAreExclusionsOfTheSearch() {
        Run run = cli("lookup", "--data-dir", dir(), "--max", "1000", "--json", "--", "-user:u-1", "user:u-1,u-2");

        assertThat(run.status()).isZero();
        assertThat(run.lines()).hasSize(300).allSatisfy(l -> assertThat(
                        java.util.Objects.requireNonNull(AuditEvent.fromJson(l).userIdentity())
                                .userName())
                .isEqualTo("u-2"));
        Run other = cli("lookup", "--data-dir", dir(), "--max", "1000", "--json", "-user:u-1", "user:u-1,u-2");
        assertThat(other.lines()).isEqualTo(run.lines());
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new java.util.ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
