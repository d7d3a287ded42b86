package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.CaptureStats;
import io.actiontrail.Durability;
import io.actiontrail.spring.aop.ActionTrailAopAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.trail.TrailStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
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
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * What one audited call costs the calling thread, back to back (so a queue that cannot keep up shows as the rate at
 * which it drains): a plain call, the same call audited by {@code ActionTrail.proxy} and by the Spring starter,
 * {@code record()} of a ~500-byte event in each durability, and the same fields through the alternatives.
 *
 * <p>JMH creates one instance per thread; the states say how they are shared.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallerCostBenchmark {

    static final String RESOURCE = "ord-20260101-000042";

    /** The plain implementation. Thread-safe. */
    @State(Scope.Benchmark)
    public static class PlainState {
        final Orders orders = new Orders.Plain();
    }

    /** An {@code ActionTrail.proxy} in the default durability ({@code GROUP}). Thread-safe. */
    @State(Scope.Benchmark)
    public static class ProxyState {
        @SuppressWarnings("NullAway.Init")
        Path dir;

        @SuppressWarnings("NullAway.Init")
        ActionTrail actionTrail;

        @SuppressWarnings("NullAway.Init")
        Orders orders;

        @Setup(Level.Trial)
        public void setUp() {
            dir = Fixtures.tempDir("bench-proxy");
            actionTrail = Fixtures.actionTrail(Durability.GROUP, dir, new CountingSink());
            orders = actionTrail.proxy(Orders.class, new Orders.Plain());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            report("proxy", actionTrail);
            Fixtures.deleteRecursively(dir);
        }
    }

    /** A Spring bean audited by the starter's advisor, in the default durability ({@code GROUP}). Thread-safe. */
    @State(Scope.Benchmark)
    public static class SpringState {
        @SuppressWarnings("NullAway.Init")
        Path dir;

        @SuppressWarnings("NullAway.Init")
        ActionTrail actionTrail;

        @SuppressWarnings("NullAway.Init")
        AnnotationConfigApplicationContext context;

        @SuppressWarnings("NullAway.Init")
        Orders orders;

        @Setup(Level.Trial)
        public void setUp() {
            dir = Fixtures.tempDir("bench-spring");
            actionTrail = Fixtures.actionTrail(Durability.GROUP, dir, new CountingSink());
            context = new AnnotationConfigApplicationContext();
            context.registerBean(
                    "actionTrail", ActionTrail.class, () -> actionTrail, bd -> bd.setDestroyMethodName(""));
            context.register(ActionTrailAutoConfiguration.class, ActionTrailAopAutoConfiguration.class);
            context.registerBean("orders", SpringOrders.class, SpringOrders::new);
            context.refresh();
            orders = context.getBean(Orders.class);
            if (!(orders instanceof org.springframework.aop.framework.Advised)) {
                throw new IllegalStateException("the Spring bean is not advised: " + orders.getClass());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            context.close();
            report("spring", actionTrail);
            Fixtures.deleteRecursively(dir);
        }
    }

    /** {@code record()} in one durability. Thread-safe. */
    @State(Scope.Benchmark)
    public static class RecordState {
        @Param({"MEMORY", "GROUP", "SYNC"})
        public Durability durability = Durability.GROUP;

        @Nullable
        Path dir;

        @SuppressWarnings("NullAway.Init")
        ActionTrail actionTrail;

        @Setup(Level.Trial)
        public void setUp() {
            Path d = durability == Durability.MEMORY ? null : Fixtures.tempDir("bench-record");
            dir = d;
            actionTrail = Fixtures.actionTrail(durability, d, new CountingSink());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            report("record " + durability, actionTrail);
            Fixtures.deleteRecursively(dir);
        }
    }

    /** Logback's {@code AsyncAppender} + logstash-logback-encoder to a file. Thread-safe. */
    @State(Scope.Benchmark)
    public static class LogbackState {
        @Param({"DEFAULT", "LOSSLESS"})
        public String settings = "DEFAULT";

        final LongAdder calls = new LongAdder();

        @SuppressWarnings("NullAway.Init")
        Path dir;

        @SuppressWarnings("NullAway.Init")
        LogbackJson logback;

        @Setup(Level.Trial)
        public void setUp() {
            dir = Fixtures.tempDir("bench-logback");
            logback = new LogbackJson(dir.resolve("audit.json"), LogbackJson.Settings.valueOf(settings));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long lines = logback.closeAndCountLines();
            long made = calls.sum();
            Notes.add(
                    "logback " + settings,
                    String.format(
                            "%,d calls, %,d lines written, %,d dropped (%.1f %%)",
                            made, lines, made - lines, 100.0 * (made - lines) / Math.max(1, made)));
            Fixtures.deleteRecursively(dir);
        }
    }

    /** Log4j2 async logger or async appender + JSON Template Layout to a file. Thread-safe. */
    @State(Scope.Benchmark)
    public static class Log4j2State {
        @Param({"ASYNC_LOGGER", "ASYNC_APPENDER"})
        public String mode = "ASYNC_LOGGER";

        final LongAdder calls = new LongAdder();

        @SuppressWarnings("NullAway.Init")
        Path dir;

        @SuppressWarnings("NullAway.Init")
        Log4j2Json log4j2;

        @Setup(Level.Trial)
        public void setUp() {
            dir = Fixtures.tempDir("bench-log4j2");
            log4j2 = new Log4j2Json(dir.resolve("audit.json"), Log4j2Json.Mode.valueOf(mode));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long lines = log4j2.closeAndCountLines();
            long made = calls.sum();
            Notes.add(
                    "log4j2 " + mode,
                    String.format(
                            "%,d calls, %,d lines written, %,d dropped (%.1f %%)%s",
                            made,
                            lines,
                            made - lines,
                            100.0 * (made - lines) / Math.max(1, made),
                            made > lines && "ASYNC_LOGGER".equals(mode)
                                    ? "; Log4j2 discards while its Disruptor 4 ring buffer is full and several"
                                            + " threads log (see Log4j2DiscardCheck)"
                                    : ""));
            Fixtures.deleteRecursively(dir);
        }
    }

    /** Spring Boot's {@code InMemoryAuditEventRepository} (a synchronized ring of 1,000). Thread-safe. */
    @State(Scope.Benchmark)
    public static class SpringRepositoryState {
        final InMemoryAuditEventRepository repository = new InMemoryAuditEventRepository();
    }

    /** Waits for delivery, notes what was recorded, dropped and delivered, and closes. */
    static void report(String name, ActionTrail actionTrail) {
        boolean flushed = actionTrail.flush(Duration.ofMinutes(2));
        CaptureStats stats = actionTrail.captureStats();
        if (stats.recorded() == 0) {
            throw new IllegalStateException(name + ": nothing was recorded");
        }
        StringBuilder sinks = new StringBuilder();
        for (io.actiontrail.trail.Trail trail : actionTrail.trails()) {
            for (TrailStatus.SinkStatus sink : actionTrail.status(trail.name()).sinks()) {
                sinks.append(String.format(
                        " %s: delivered %,d, dropped %s;", trail.name(), sink.delivered(), sink.dropped()));
            }
        }
        Notes.add(
                name,
                String.format(
                        "%,d recorded, capture drops %s, fsyncs %,d, flushed %s;%s",
                        stats.recorded(),
                        stats.dropped(),
                        actionTrail.journalStatus().fsyncs(),
                        flushed,
                        sinks));
        actionTrail.close();
    }

    @Benchmark
    public Orders.Order plainCall(PlainState s) {
        return s.orders.createOrder(Fixtures.CUSTOMER, Fixtures.REQUEST);
    }

    @Benchmark
    public Orders.Order proxyAudited(ProxyState s) {
        return s.orders.createOrder(Fixtures.CUSTOMER, Fixtures.REQUEST);
    }

    @Benchmark
    public Orders.Order springAudited(SpringState s) {
        return s.orders.createOrder(Fixtures.CUSTOMER, Fixtures.REQUEST);
    }

    @Benchmark
    public void record(RecordState s) {
        s.actionTrail.record(Fixtures.event(RESOURCE));
    }

    @Benchmark
    public void logbackAsyncJson(LogbackState s) {
        s.logback.log(Fixtures.fields(RESOURCE));
        s.calls.increment();
    }

    @Benchmark
    public void log4j2AsyncJson(Log4j2State s) {
        s.log4j2.log(Fixtures.fields(RESOURCE));
        s.calls.increment();
    }

    @Benchmark
    public void springInMemoryRepository(SpringRepositoryState s) {
        s.repository.add(new AuditEvent(Instant.now(), "alice", "CreateOrder", Fixtures.fields(RESOURCE)));
    }
}
