package io.actiontrail.internal.delivery;

import io.actiontrail.integrity.SignedNote;
import io.actiontrail.internal.integrity.TrailLog;
import io.actiontrail.internal.journal.Journal;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.trail.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The tamper evidence one {@link Shipper} gives its sink: each batch stamped with a signed checkpoint of the trail's
 * Merkle log for that sink, a heartbeat checkpoint while the sink is idle, and a last one at a clean stop. Confined to
 * the shipper's thread.
 */
final class ShipperEvidence {

    private final TrailLog log;
    private final long heartbeatNanos;
    private final String trail;
    private final String sinkName;
    private final AuditSink sink;
    private final ReentrantLock sinkLock;
    private final RetryPolicy retryPolicy;
    private final ShipperHost host;
    private final Journal journal;
    private final Function<Throwable, String> describe;

    private long lastCheckpointNanos = System.nanoTime();

    ShipperEvidence(
            TrailLog log,
            Duration heartbeat,
            Shipper shipper,
            AuditSink sink,
            ReentrantLock sinkLock,
            RetryPolicy retryPolicy,
            ShipperHost host,
            Journal journal,
            Function<Throwable, String> describe) {
        this.log = log;
        this.heartbeatNanos = heartbeat.toNanos();
        this.trail = shipper.trail;
        this.sinkName = shipper.sinkName;
        this.sink = sink;
        this.sinkLock = sinkLock;
        this.retryPolicy = retryPolicy;
        this.host = host;
        this.journal = journal;
        this.describe = describe;
    }

    /**
     * Adds the batch's events to the trail's Merkle log, once the journal has fsynced them (a crash can then never
     * take back a leaf a sink holds), and signs the checkpoint that covers them. A log that cannot be written is
     * retried like a failed delivery: the events wait in the journal. Returns {@code null} when closing stops it.
     */
    @Nullable
    AuditBatch stamp(AuditBatch batch, List<Journal.Entry> entries) throws InterruptedException {
        long[] positions = new long[entries.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = entries.get(i).seq;
        }
        journal.awaitDurable(positions[positions.length - 1]);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                long[] leaves = log.stage(batch.records(), positions);
                if (leaves == null) {
                    host.warnings()
                            .warn(
                                    "trail-log-again-" + trail + "/" + sinkName,
                                    "ActionTrail: sink '" + sinkName + "' of trail '" + trail + "' gets events again"
                                            + " that its Merkle log already covers (its cursor could not be saved);"
                                            + " they travel without a checkpoint");
                    return batch;
                }
                return batch.withCheckpoint(log.checkpointOfStaged(), leaves);
            } catch (IOException | RuntimeException e) {
                host.warnings()
                        .warn(
                                "trail-log-" + trail + "/" + sinkName,
                                "ActionTrail: the Merkle log of sink '" + sinkName + "' of trail '" + trail
                                        + "' cannot be written (attempt " + attempt
                                        + "); the batch waits in the journal",
                                e);
                if (host.closing()
                        || !host.sleep(retryPolicy.backoff(attempt, 0.5).toNanos())) {
                    return null;
                }
            }
        }
    }

    /** After the stamped batch was delivered, or settled for good: the sink's log moves on either way. */
    void delivered() {
        log.delivered();
        lastCheckpointNanos = System.nanoTime();
    }

    /** Sends a heartbeat if the sink has had no checkpoint for a heartbeat interval. */
    void heartbeatIfDue() {
        if (System.nanoTime() - lastCheckpointNanos >= heartbeatNanos) {
            checkpointOnly(false);
        }
    }

    /**
     * Sends the sink a checkpoint of what it holds, without events: a heartbeat when idle, or the last one at a clean
     * stop. A failure is reported and tried again at the next heartbeat; no event depends on it.
     */
    void checkpointOnly(boolean closing) {
        lastCheckpointNanos = System.nanoTime();
        try {
            SignedNote note = log.checkpoint(closing);
            sinkLock.lock();
            try {
                sink.writeCheckpoint(note);
            } finally {
                sinkLock.unlock();
            }
        } catch (DeliveryException | RuntimeException | LinkageError e) {
            host.warnings()
                    .warn(
                            "heartbeat-" + trail + "/" + sinkName,
                            "ActionTrail: sink '" + sinkName + "' of trail '" + trail
                                    + "' did not take a checkpoint; the next heartbeat tries again: "
                                    + describe.apply(e));
        }
    }
}
