package io.actiontrail.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The anchor for {@code SYNC}: appending one ~560-byte line to a file and fsyncing it ({@code force(false)}), on the
 * disk the journal uses. With {@code n} callers waiting, ideal group commit makes {@code n} events durable per fsync.
 *
 * <p>One thread: the state is per benchmark and not shared.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class FsyncBenchmark {

    private static final byte[] LINE =
            (Fixtures.event(CallerCostBenchmark.RESOURCE).toJson() + "\n").getBytes(StandardCharsets.UTF_8);

    @SuppressWarnings("NullAway.Init")
    Path dir;

    @SuppressWarnings("NullAway.Init")
    FileChannel channel;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Fixtures.tempDir("bench-fsync");
        channel = FileChannel.open(
                dir.resolve("fsync.log"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        channel.close();
        Fixtures.deleteRecursively(dir);
    }

    @Benchmark
    public void appendAndFsync() throws IOException {
        channel.write(ByteBuffer.wrap(LINE));
        channel.force(false);
    }
}
