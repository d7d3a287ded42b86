package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.Durability;
import io.actiontrail.insights.Insights;
import io.actiontrail.insights.InsightsStatus;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.IntegrityStatus;
import io.actiontrail.trail.Trail;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code GROUP} ingest with a feature on and off in alternating rounds, for a machine whose load moves: two instances
 * (each with its own data directory) stay open, and each round records {@link QueryData} events back to back into one
 * of them for a fixed time, the order of the two swapped every round, so that a drift of the machine's load or of the
 * disk's state touches both alike. Prints each round's rates, the median of the per-pair ratios (on ÷ off), and what
 * the feature's thread did. JMH's {@link InsightsBenchmark} and {@link IntegrityBenchmark} run the values one after
 * the other, which on a shared machine measures the drift as much as the difference.
 *
 * <p>The features: {@code insights} (the defaults against {@link Insights#disabled()}, no trail) and {@code integrity}
 * (the journal's Merkle log and signed checkpoints and the trail's log, against none; both instances with one trail
 * delivering to a counting sink, as in {@link IntegrityBenchmark}).
 *
 * <p>Run: {@code java -cp actiontrail-benchmarks/target/benchmarks.jar io.actiontrail.benchmarks.AlternatingIngest
 * insights|integrity [rounds] [seconds per round]}. Not thread-safe: one run per JVM.
 */
public final class AlternatingIngest {

    private AlternatingIngest() {}

    public static void main(String[] args) throws GeneralSecurityException {
        String feature = args.length > 0 ? args[0] : "insights";
        if (!feature.equals("insights") && !feature.equals("integrity")) {
            throw new IllegalArgumentException("feature must be insights or integrity: " + feature);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Duration round = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 3);
        Path onDir = Fixtures.tempDir("alt-" + feature + "-on");
        Path offDir = Fixtures.tempDir("alt-" + feature + "-off");
        Instant start = QueryData.start();
        long[] next = {0};
        try (ActionTrail on = open(onDir, feature, true);
                ActionTrail off = open(offDir, feature, false)) {
            // warm-up: two rounds each, not counted
            for (int i = 0; i < 2; i++) {
                run(on, round, next, start);
                run(off, round, next, start);
            }
            double[] ratios = new double[rounds];
            List<String> lines = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean onFirst = r % 2 == 0;
                double first = run(onFirst ? on : off, round, next, start);
                double second = run(onFirst ? off : on, round, next, start);
                double rateOn = onFirst ? first : second;
                double rateOff = onFirst ? second : first;
                ratios[r] = rateOn / rateOff;
                lines.add(String.format(
                        Locale.ROOT,
                        "round %2d (%s first): on %,9.0f events/s, off %,9.0f events/s, ratio %.3f",
                        r + 1,
                        onFirst ? "on" : "off",
                        rateOn,
                        rateOff,
                        ratios[r]));
            }
            lines.forEach(System.out::println);
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            double median = (sorted[(rounds - 1) / 2] + sorted[rounds / 2]) / 2;
            on.flush(Duration.ofMinutes(1));
            System.out.printf(
                    Locale.ROOT,
                    "%s: median ratio on/off %.3f (min %.3f, max %.3f) over %d rounds of %d s; %s%n",
                    feature,
                    median,
                    sorted[0],
                    sorted[rounds - 1],
                    rounds,
                    round.toSeconds(),
                    feature.equals("insights") ? insights(on) : integrity(on));
        } finally {
            Fixtures.deleteRecursively(onDir);
            Fixtures.deleteRecursively(offDir);
        }
    }

    private static String insights(ActionTrail on) {
        InsightsStatus s = on.insightsStatus();
        return String.format(
                Locale.ROOT,
                "insights counted %,d events (%,d read back from lines), insights thread CPU %.3f µs per event",
                s.eventsCounted(),
                s.eventsReadBack(),
                s.cpuNanos() / 1e3 / Math.max(1, s.eventsCounted()));
    }

    private static String integrity(ActionTrail on) {
        IntegrityStatus s = on.integrityStatus().orElseThrow();
        return String.format(
                Locale.ROOT,
                "after a flush the log holds %,d entries of %,d journaled, the latest checkpoint %,d",
                s.treeSize(),
                on.journalStatus().nextPosition(),
                s.checkpointSize());
    }

    private static ActionTrail open(Path dir, String feature, boolean on) throws GeneralSecurityException {
        ActionTrail.Builder builder = ActionTrail.builder()
                .serviceName("bench")
                .durability(Durability.GROUP)
                .dataDir(dir)
                .shutdownHook(false);
        if (feature.equals("insights")) {
            builder.insights(on ? Insights.defaults() : Insights.disabled());
        } else {
            builder.trail(Trail.builder("archive").sink(new CountingSink()).build());
            if (on) {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                builder.integrity(Integrity.builder()
                        .signer(CheckpointSigner.ed25519("bench.example/log", pair.getPrivate(), pair.getPublic()))
                        .build());
            }
        }
        return builder.build();
    }

    /** Records back to back for {@code time}; returns the events recorded per second. */
    private static double run(ActionTrail actionTrail, Duration time, long[] next, Instant start) {
        long began = System.nanoTime();
        long deadline = began + time.toNanos();
        long events = 0;
        while (true) {
            for (int i = 0; i < 256; i++) {
                actionTrail.record(QueryData.event(next[0]++, QueryIndexIngestBenchmark.SPREAD, start));
            }
            events += 256;
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return events / ((now - began) / 1e9);
            }
        }
    }
}
