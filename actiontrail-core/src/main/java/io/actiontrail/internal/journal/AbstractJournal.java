package io.actiontrail.internal.journal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The readable head both journals share: where readers may read up to, and the waits of readers for it (idle, and
 * lingering for a fuller batch). Thread-safe: the head and the waits are guarded by one lock that nothing else takes.
 */
abstract class AbstractJournal implements Journal {

    private final ReentrantLock headLock = new ReentrantLock();
    private final Condition advanced = headLock.newCondition();
    private long head;
    private long headBytes;
    private int idleWaiters;
    /** The lowest head / byte count at which a lingering reader's batch could be full; wake it then. */
    private long lingerWakeSeq = Long.MAX_VALUE;

    private long lingerWakeBytes = Long.MAX_VALUE;
    /** Set once readers are to stop waiting for good: no wait starts after it, so no wake-up can be missed. */
    private boolean released;

    /** How many lines {@link #scanBackwards} has handed to visitors: what the time index did not skip. */
    private final LongAdder linesScanned = new LongAdder();

    /** Returns how many lines {@link #scanBackwards} has visited since the journal was opened; for tests. */
    @Override
    public final long linesScanned() {
        return linesScanned.sum();
    }

    /** Counts lines {@link #scanBackwards} visited. */
    final void countScanned(long lines) {
        linesScanned.add(lines);
    }

    /** Returns the readable head: readers see every position before it. */
    @Override
    public final long head() {
        headLock.lock();
        try {
            return head;
        } finally {
            headLock.unlock();
        }
    }

    /** Moves the readable head and wakes the readers that wait for it. */
    final void publish(long newHead, long addedBytes) {
        headLock.lock();
        try {
            head = newHead;
            headBytes += addedBytes;
            if (idleWaiters > 0 || head >= lingerWakeSeq || headBytes >= lingerWakeBytes) {
                lingerWakeSeq = Long.MAX_VALUE;
                lingerWakeBytes = Long.MAX_VALUE;
                advanced.signalAll();
            }
        } finally {
            headLock.unlock();
        }
    }

    /** Waits until the head passes {@code position}, a {@link #wakeAll()}, or the timeout. */
    @SuppressWarnings("WaitNotInLoop") // the caller re-checks its condition in a loop
    @Override
    public final void awaitData(long position, long timeoutNanos) throws InterruptedException {
        headLock.lock();
        try {
            if (head > position || released) {
                return;
            }
            idleWaiters++;
            try {
                advanced.awaitNanos(timeoutNanos);
            } finally {
                idleWaiters--;
            }
        } finally {
            headLock.unlock();
        }
    }

    /**
     * Waits for a lingering batch: until the timeout, a {@link #wakeAll()}, or until the head moves {@code events}
     * past {@code position} or by {@code bytes} (enough to fill the batch). Smaller appends do not wake this wait, so
     * a batch that fills slowly costs one wake-up, not one per event.
     */
    @SuppressWarnings("WaitNotInLoop") // the caller re-checks its condition in a loop
    @Override
    public final void awaitLinger(long position, long timeoutNanos, long events, long bytes)
            throws InterruptedException {
        headLock.lock();
        try {
            long wakeSeq = position + Math.max(1, events);
            if (head >= wakeSeq || released) {
                return; // enough was published since the caller read
            }
            lingerWakeSeq = Math.min(lingerWakeSeq, wakeSeq);
            lingerWakeBytes = Math.min(lingerWakeBytes, headBytes + Math.max(1, bytes));
            advanced.await(timeoutNanos, TimeUnit.NANOSECONDS);
        } finally {
            headLock.unlock();
        }
    }

    /** Waits until the head reaches {@code position} or the timeout; returns whether it did. */
    @Override
    public final boolean awaitHead(long position, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        headLock.lock();
        try {
            while (head < position) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                idleWaiters++;
                try {
                    advanced.awaitNanos(remaining);
                } finally {
                    idleWaiters--;
                }
            }
            return true;
        } finally {
            headLock.unlock();
        }
    }

    /** Wakes every waiting reader: for flush and close. */
    @Override
    public final void wakeAll() {
        headLock.lock();
        try {
            advanced.signalAll();
        } finally {
            headLock.unlock();
        }
    }

    @Override
    public final void releaseReaders() {
        headLock.lock();
        try {
            released = true;
            advanced.signalAll();
        } finally {
            headLock.unlock();
        }
    }
}
