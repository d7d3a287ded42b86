package io.actiontrail.internal.delivery;

import io.actiontrail.DeliveryListener;
import io.actiontrail.internal.Warnings;
import java.time.Instant;

/**
 * What a {@link Shipper} needs of the engine that runs it, and nothing more: the time, warnings, whether the engine
 * closes or flushes, where to persist its cursor, and where to report deliveries, failures and drops. The shipper
 * never sees the engine's fields. {@link Pipeline} is the one implementation. Thread-safe.
 */
interface ShipperHost {

    Instant now();

    Warnings warnings();

    /** Whether close has begun: shippers deliver what they hold and stop. */
    boolean closing();

    /** Whether close has waited as long as it may: shippers give up retrying. */
    boolean pastCloseDeadline();

    /** The position a flush wants delivered, or 0. */
    long flushRequestedUpTo();

    /** Tells a waiting flush or close that a shipper moved. */
    void progressed();

    /** Persists a shipper's position; never throws. */
    void persistCursor(Shipper shipper, long position);

    /** Sleeps up to {@code nanos}, less if close begins; returns whether it slept the whole time. */
    boolean sleep(long nanos);

    void notifyDelivered(DeliveryListener.Delivered delivered);

    void notifyFailed(DeliveryListener.Failed failed);

    void notifyDropped(DeliveryListener.Dropped dropped);
}
