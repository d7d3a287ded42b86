package io.actiontrail.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs every benchmark with the {@code quick} (under 10 minutes on 2 cores) or {@code full} profile, then the
 * latency harness, and writes {@code results.md} and {@code notes.txt} to the output directory (system property
 * {@code actiontrail.bench.out}, default {@code benchmark-results}). A second argument, a regular expression, runs
 * only the groups whose name it finds: {@code caller}, {@code ingest}, {@code web}, {@code integrity},
 * {@code insights}, {@code fsync}, {@code lookup}, {@code api}, {@code latency}.
 *
 * <p>Not thread-safe; run once per JVM.
 */
public final class BenchmarkMain {

    /** The system property that sets the {@code api} group's journal size in any profile. */
    static final String API_EVENTS_PROPERTY = "actiontrail.bench.api.events";

    private BenchmarkMain() {}

    /** The iteration counts and times of a profile. */
    private record Profile(
            int forks,
            int warmups,
            TimeValue warmupTime,
            int iterations,
            TimeValue iterationTime,
            int ingestWarmups,
            TimeValue ingestTime,
            Duration latencyPhase,
            int webRounds) {}

    private static final Profile QUICK = new Profile(
            1, 2, TimeValue.seconds(1), 3, TimeValue.seconds(1), 3, TimeValue.seconds(2), Duration.ofSeconds(10), 3);
    /** Checks that everything runs; its figures mean nothing. */
    private static final Profile SMOKE = new Profile(
            1,
            0,
            TimeValue.milliseconds(100),
            1,
            TimeValue.milliseconds(500),
            0,
            TimeValue.seconds(1),
            Duration.ofSeconds(2),
            1);

    /** Two forks and longer iterations: about half an hour on 2 cores. */
    private static final Profile FULL = new Profile(
            2, 3, TimeValue.seconds(2), 5, TimeValue.seconds(2), 3, TimeValue.seconds(3), Duration.ofSeconds(20), 5);

    /**
     * Runs the benchmarks.
     *
     * @param args {@code quick}, {@code full} or {@code smoke} (one short iteration of each, to check that they run), then optionally a regular expression of the groups to run
     */
    public static void main(String[] args) throws RunnerException, IOException {
        String name = args.length > 0 ? args[0] : "quick";
        Profile profile =
                switch (name) {
                    case "quick" -> QUICK;
                    case "full" -> FULL;
                    case "smoke" -> SMOKE;
                    default -> throw new IllegalArgumentException("profile must be quick, full or smoke: " + name);
                };
        Pattern groups = Pattern.compile(args.length > 1 ? args[1] : ".*");
        Path out = Path.of(System.getProperty("actiontrail.bench.out", "benchmark-results"))
                .toAbsolutePath();
        Files.createDirectories(out);
        Path notes = out.resolve("notes.txt");
        Files.deleteIfExists(notes);
        long start = System.nanoTime();
        List<String> table = new ArrayList<>();
        table.add("| benchmark | params | threads | score | error (99.9 %) | unit | alloc B/op |");
        table.add("|---|---|---:|---:|---:|---|---:|");

        if (groups.matcher("caller").find()) {
            for (int threads : new int[] {1, 2}) {
                rows(
                        table,
                        run(options(profile, notes, "CallerCostBenchmark\\.", threads, false)
                                .addProfiler(GCProfiler.class)));
            }
        }
        if (groups.matcher("ingest").find()) {
            for (int threads : new int[] {1, 2}) {
                rows(
                        table,
                        run(options(profile, notes, "IngestBenchmark\\.", threads, true)
                                .param("durability", "GROUP")));
            }
            for (int threads : new int[] {1, 2, 8}) {
                rows(
                        table,
                        run(options(profile, notes, "IngestBenchmark\\.", threads, true)
                                .param("durability", "SYNC")));
            }
        }
        if (groups.matcher("web").find()) {
            web(profile, notes, table);
        }
        if (groups.matcher("integrity").find()) {
            rows(table, run(options(profile, notes, "IntegrityBenchmark\\.record", 1, true)));
            // the proof's state ignores the ingest parameter: one value is enough
            rows(
                    table,
                    run(options(profile, notes, "IntegrityBenchmark\\.verify", 1, false)
                            .param("integrity", "true")));
        }
        if (groups.matcher("insights").find()) {
            rows(table, run(options(profile, notes, "InsightsBenchmark\\.record", 1, true)));
        }
        if (groups.matcher("fsync").find()) {
            rows(table, run(options(profile, notes, "FsyncBenchmark\\.", 1, false)));
        }
        if (groups.matcher("lookup").find()) {
            lookup(profile, notes, table);
        }
        if (groups.matcher("api").find()) {
            api(profile, notes, table);
        }
        List<String> latency = List.of();
        if (groups.matcher("latency").find()) {
            System.setProperty(Notes.PROPERTY, notes.toString());
            latency = new LatencyHarness(profile.latencyPhase(), 5_000).run();
        }

        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "# ActionTrail benchmarks, %s profile%n%n%s, %d CPUs, %s, %.1f minutes%n%n",
                name,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                (System.nanoTime() - start) / 60e9));
        md.append(String.join(System.lineSeparator(), table)).append(System.lineSeparator());
        if (!latency.isEmpty()) {
            md.append(System.lineSeparator())
                    .append(String.join(System.lineSeparator(), latency))
                    .append(System.lineSeparator());
        }
        if (Files.exists(notes)) {
            md.append(System.lineSeparator()).append("```").append(System.lineSeparator());
            md.append(Files.readString(notes, StandardCharsets.UTF_8));
            md.append("```").append(System.lineSeparator());
        }
        Files.writeString(out.resolve("results.md"), md, StandardCharsets.UTF_8);
        System.out.println(md);
    }

    /**
     * The query engine: {@code LookupBenchmark} with the journal's secondary index on and off and
     * {@code LuceneLookupBenchmark} over the same events, then the index's cost at ingest. 1,000,000 events (100,000 in
     * {@code smoke}); the full profile adds 10,000,000 (about 5 GB per journal, built once per fork and benchmark).
     */
    private static void lookup(Profile profile, Path notes, List<String> table) throws RunnerException {
        String[] events = FULL.equals(profile)
                ? new String[] {"1000000", "10000000"}
                : SMOKE.equals(profile) ? new String[] {"100000"} : new String[] {"1000000"};
        for (String count : events) {
            rows(
                    table,
                    run(options(profile, notes, "(Lookup|LuceneLookup)Benchmark\\.", 1, false)
                            .param("events", count)));
        }
        rows(table, run(options(profile, notes, "QueryIndexIngestBenchmark\\.", 1, true)));
    }

    /**
     * The HTTP API over real HTTP on loopback ({@code ConsoleApiBenchmark}): 1,000,000 events (100,000 in
     * {@code smoke}, 10,000,000 in {@code full}: about 7 GB, kept between runs). The searches are sampled with twice the
     * ingest warm-up (a Spring application's request path needs seconds to be compiled); each export is one
     * whole-range download per iteration, one warm-up and at most 3 measured, since one export of 10,000,000 rows takes
     * minutes. The notes get the searches' percentiles and the exports' rows per second. The system property
     * {@value #API_EVENTS_PROPERTY} sets another size ({@code quick} timings at 10,000,000 events, for example).
     */
    private static void api(Profile profile, Path notes, List<String> table) throws RunnerException {
        String events = System.getProperty(
                API_EVENTS_PROPERTY, FULL.equals(profile) ? "10000000" : SMOKE.equals(profile) ? "100000" : "1000000");
        Collection<RunResult> searches = run(options(profile, notes, "ConsoleApiBenchmark\\.search", 1, true)
                .warmupIterations(2 * Math.max(1, profile.ingestWarmups()))
                .param("events", events));
        rows(table, searches);
        Collection<RunResult> exports = run(options(profile, notes, "ConsoleApiBenchmark\\.export", 1, false)
                .warmupIterations(SMOKE.equals(profile) ? 0 : 1)
                .measurementIterations(Math.min(3, profile.iterations()))
                .param("events", events));
        rows(table, exports);
        System.setProperty(Notes.PROPERTY, notes.toString());
        for (RunResult r : searches) {
            Statistics s = r.getPrimaryResult().getStatistics();
            Notes.add(
                    "api " + method(r) + " events=" + events,
                    String.format(
                            Locale.ROOT,
                            "ms per request over HTTP: p50 %.3f, p90 %.3f, p99 %.3f, p99.9 %.3f, max %.3f (%,d samples)",
                            s.getPercentile(50),
                            s.getPercentile(90),
                            s.getPercentile(99),
                            s.getPercentile(99.9),
                            s.getMax(),
                            s.getN()));
        }
        double rows = Double.parseDouble(events);
        for (RunResult r : exports) {
            Statistics s = r.getPrimaryResult().getStatistics();
            Notes.add(
                    "api " + method(r) + " events=" + events,
                    String.format(
                            Locale.ROOT,
                            "%,.0f rows/s (mean of %d exports of %,.0f rows, %.2f s each; fastest %.2f s = %,.0f rows/s,"
                                    + " slowest %.2f s = %,.0f rows/s)",
                            rows / s.getMean(),
                            s.getN(),
                            rows,
                            s.getMean(),
                            s.getMin(),
                            rows / s.getMin(),
                            s.getMax(),
                            rows / s.getMax()));
        }
    }

    private static String method(RunResult r) {
        String benchmark = r.getParams().getBenchmark();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static ChainedOptionsBuilder options(
            Profile profile, Path notes, String include, int threads, boolean ingest) {
        return new OptionsBuilder()
                .include("io\\.actiontrail\\.benchmarks\\." + include)
                .forks(profile.forks())
                .warmupIterations(ingest ? profile.ingestWarmups() : profile.warmups())
                .warmupTime(ingest ? profile.ingestTime() : profile.warmupTime())
                .measurementIterations(profile.iterations())
                .measurementTime(ingest ? profile.ingestTime() : profile.iterationTime())
                .threads(threads)
                .shouldFailOnError(true)
                .jvmArgsAppend(
                        "-Xms1g",
                        "-Xmx1g",
                        "-D" + Notes.PROPERTY + "=" + notes,
                        "-D" + Fixtures.DIR_PROPERTY + "="
                                + System.getProperty(Fixtures.DIR_PROPERTY, System.getProperty("java.io.tmpdir")));
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new Runner(options.build()).run();
    }

    private static void rows(List<String> table, Collection<RunResult> results) {
        for (RunResult r : results) {
            Result<?> primary = r.getPrimaryResult();
            StringBuilder params = new StringBuilder();
            for (String key : r.getParams().getParamsKeys()) {
                params.append(params.length() == 0 ? "" : ", ")
                        .append(key)
                        .append('=')
                        .append(r.getParams().getParam(key));
            }
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            String benchmark = r.getParams().getBenchmark();
            table.add(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %,.1f | %,.1f | %s | %s |",
                    benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1),
                    params,
                    r.getParams().getThreads(),
                    primary.getScore(),
                    primary.getScoreError(),
                    primary.getScoreUnit(),
                    alloc == null ? "" : String.format(Locale.ROOT, "%,.0f", alloc.getScore())));
        }
    }

    /**
     * The web capture's overhead: rounds of a run without the starter and a run with it, back to back, in alternating
     * order (off then on, on then off, …) so that a machine that slows down or speeds up over minutes weighs on both
     * sides alike. Each run measures both stacks, with the ingest timings (a Spring application's request path needs
     * seconds of warm-up to be compiled). A fork's p50 moves by several microseconds from one fork to the next with
     * or without the starter (how the request path was compiled), so the figure is the difference between the
     * median p50 with the starter and the median p50 without it; the notes give every round's too.
     */
    private static void web(Profile profile, Path notes, List<String> table) throws RunnerException {
        // stack -> one {p50 off, p50 on} per round
        Map<String, List<double[]>> rounds = new TreeMap<>();
        for (int round = 0; round < profile.webRounds(); round++) {
            List<String> order = round % 2 == 0 ? List.of("off", "on") : List.of("on", "off");
            Map<String, double[]> thisRound = new TreeMap<>();
            for (String starter : order) {
                // the request path keeps compiling for over 10 s (2 s iterations still fall from 350 to 15 µs),
                // and a measurement taken while the compiler still runs on one of the two cores says more about
                // the compiler than about the capture: four times the ingest warm-up
                Collection<RunResult> results = run(options(profile, notes, "WebCaptureBenchmark\\.", 1, true)
                        .warmupIterations(4 * Math.max(1, profile.ingestWarmups()))
                        .param("starter", starter));
                rows(table, results);
                for (RunResult r : results) {
                    String benchmark = r.getParams().getBenchmark();
                    String key = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                    double p50 = r.getPrimaryResult().getStatistics().getPercentile(50);
                    thisRound.computeIfAbsent(key, k -> new double[2])["on".equals(starter) ? 1 : 0] = p50;
                }
            }
            thisRound.forEach((key, p) ->
                    rounds.computeIfAbsent(key, k -> new ArrayList<>()).add(p));
        }
        System.setProperty(Notes.PROPERTY, notes.toString());
        rounds.forEach((key, list) -> {
            StringBuilder each = new StringBuilder();
            double[] off = new double[list.size()];
            double[] on = new double[list.size()];
            for (int i = 0; i < list.size(); i++) {
                double[] p = list.get(i);
                off[i] = p[0];
                on[i] = p[1];
                each.append(String.format(Locale.ROOT, "%s%.2f→%.2f", i == 0 ? "" : ", ", p[0], p[1]));
            }
            double medianOff = median(off);
            double medianOn = median(on);
            Notes.add(
                    "web " + key,
                    String.format(
                            Locale.ROOT,
                            "p50 µs per request without→with the starter, by round: %s; medians %.2f→%.2f: %+.2f µs"
                                    + " added",
                            each,
                            medianOff,
                            medianOn,
                            medianOn - medianOff));
        });
    }
}
