package io.actiontrail.internal.insights;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.insights.InsightNotice;
import io.actiontrail.insights.Insights;
import io.actiontrail.internal.Warnings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Drives an {@link InsightEngine} directly with synthetic traffic, minute by minute, on simulated time: a daily cycle
 * (quiet nights, busy working hours), quieter weekends and seeded Poisson noise. Not thread-safe: one test's.
 */
final class Simulation {

    /** Monday 2026-01-05 00:00 UTC. */
    static final long START = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

    final InsightEngine engine;
    final List<AuditEvent> recorded = new ArrayList<>();
    final List<InsightNotice> notices = new ArrayList<>();
    final SplittableRandom random;
    private final String[] users = new String[20];

    Simulation(Insights settings, Path dir, long seed) {
        this.random = new SplittableRandom(seed);
        this.engine = new InsightEngine(
                settings,
                dir,
                Clock.fixed(Instant.ofEpochMilli(START), ZoneOffset.UTC),
                null,
                recorded::add,
                notices::add,
                new Warnings(),
                Map.of(),
                null);
        for (int i = 0; i < users.length; i++) {
            users[i] = "user-" + i;
        }
    }

    /** The seasonal rate multiplier of a minute: 0.2 at night, up to 1.0 in working hours, 0.4 on weekends. */
    static double season(int minuteOfRun) {
        int minuteOfDay = Math.floorMod(minuteOfRun, 1440);
        int day = Math.floorDiv(minuteOfRun, 1440) % 7; // 0 is Monday
        double hour = minuteOfDay / 60.0;
        double daily = 0.2 + 0.8 * Math.max(0, Math.sin(Math.PI * (hour - 7) / 12));
        return day >= 5 ? daily * 0.4 : daily;
    }

    int poisson(double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 50) { // normal approximation, plenty for traffic
            return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian()));
        }
        double l = Math.exp(-lambda);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }

    private double gaussian() {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    static long millis(int minuteOfRun) {
        return START + minuteOfRun * 60_000L;
    }

    /** Records {@code n} write calls of {@code name} in the minute, by users from their usual networks. */
    void writes(int minute, String name, String service, int n, boolean failed, String accessKey) {
        for (int i = 0; i < n; i++) {
            String user = users[random.nextInt(users.length)];
            AuditEvent.Builder b = AuditEvent.builder(name)
                    .eventTime(Instant.ofEpochMilli(millis(minute) + random.nextInt(60_000)))
                    .eventRW(EventRW.WRITE)
                    .serviceName(service)
                    .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                            .principalId(user)
                            .userName(user)
                            .accountId("tenant-" + (user.hashCode() & 3))
                            .accessKeyId(accessKey)
                            .build())
                    .sourceIpAddress("203.0.113." + Math.floorMod(user.hashCode(), 200))
                    .userAgent("client/1." + (i & 1));
            if (failed) {
                b.outcome(Outcome.FAILURE).errorCode("Throttling");
            }
            engine.count(b.build());
        }
    }

    /** One event as given, at a random second of the minute. */
    void event(int minute, AuditEvent.Builder b) {
        engine.count(b.eventTime(Instant.ofEpochMilli(millis(minute) + random.nextInt(60_000)))
                .build());
    }

    /** Seasonal traffic of two services for one minute, then the minute's end on the clock. */
    void traffic(int minute, double scale) {
        double s = season(minute) * scale;
        writes(minute, "CreateOrder", "orders", poisson(30 * s), false, "AK-orders");
        writes(minute, "UpdateProfile", "users", poisson(6 * s), false, "AK-users");
        writes(minute, "CreateOrder", "orders", poisson(1.5 * s), true, "AK-orders");
        writes(minute, "ListOrders", "orders", 0, false, "AK-orders");
    }

    /** Moves the clock past the minute's end. */
    void endOf(int minute) {
        engine.tick(millis(minute + 1) + InsightEngine.GRACE_MILLIS + 1);
    }

    List<InsightNotice> starts(io.actiontrail.insights.InsightType type) {
        List<InsightNotice> out = new ArrayList<>();
        for (InsightNotice n : notices) {
            if (n.type() == type && n.state() == InsightNotice.State.START) {
                out.add(n);
            }
        }
        return out;
    }

    List<InsightNotice> ends(io.actiontrail.insights.InsightType type) {
        List<InsightNotice> out = new ArrayList<>();
        for (InsightNotice n : notices) {
            if (n.type() == type && n.state() == InsightNotice.State.END) {
                out.add(n);
            }
        }
        return out;
    }
}
