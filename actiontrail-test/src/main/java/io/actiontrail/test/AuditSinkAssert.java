package io.actiontrail.test;

import io.actiontrail.AuditEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * AssertJ assertions on the events an {@link InMemoryAuditSink} received; obtain them from
 * {@link ActionTrailAssertions#assertThat(InMemoryAuditSink)}. Delivery is asynchronous, so start with
 * {@link #awaitRecorded(int, Duration)} (or flush the {@code ActionTrail}) before asserting on what was recorded.
 * Failure messages list the names of the recorded events.
 *
 * <p>Not thread-safe: use each instance from one thread at a time; the sink itself may be written concurrently.
 */
public final class AuditSinkAssert extends AbstractAssert<AuditSinkAssert, InMemoryAuditSink> {

    /** The most event names a failure message lists. */
    private static final int MAX_LISTED = 50;

    AuditSinkAssert(@Nullable InMemoryAuditSink actual) {
        super(actual, AuditSinkAssert.class);
    }

    /**
     * Verifies that at least one recorded event matches {@code condition}.
     *
     * @throws AssertionError listing the recorded event names, if none matches
     */
    public AuditSinkAssert hasRecorded(Predicate<AuditEvent> condition) {
        return hasRecorded("the given predicate", condition);
    }

    /**
     * Verifies that at least one recorded event matches {@code condition}, described in the failure message as
     * {@code description}.
     *
     * @throws AssertionError listing the recorded event names, if none matches
     */
    public AuditSinkAssert hasRecorded(String description, Predicate<AuditEvent> condition) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(condition, "condition");
        isNotNull();
        List<AuditEvent> events = actual.events();
        for (AuditEvent event : events) {
            if (condition.test(event)) {
                return this;
            }
        }
        failWithMessage(
                "Expected sink '%s' to have recorded an event matching %s, but none of its %s matched; recorded: %s",
                actual.name(), description, count(events.size()), names(events));
        return this;
    }

    /**
     * Verifies that at least one recorded event has the given name.
     *
     * @throws AssertionError listing the recorded event names, if none has it
     */
    public AuditSinkAssert hasRecordedEventNamed(String eventName) {
        Objects.requireNonNull(eventName, "eventName");
        isNotNull();
        List<AuditEvent> events = actual.events();
        if (named(events, eventName).isEmpty()) {
            failWithMessage(
                    "Expected sink '%s' to have recorded an event named \"%s\", but none of its %s was; recorded: %s",
                    actual.name(), eventName, count(events.size()), names(events));
        }
        return this;
    }

    /**
     * Verifies that exactly {@code count} events were recorded, duplicates of retried batches included.
     *
     * @throws AssertionError listing the recorded event names, if the count differs
     */
    public AuditSinkAssert hasRecordedCount(int count) {
        isNotNull();
        List<AuditEvent> events = actual.events();
        if (events.size() != count) {
            failWithMessage(
                    "Expected sink '%s' to have recorded %s but it recorded %s: %s",
                    actual.name(), count(count), events.size(), names(events));
        }
        return this;
    }

    /**
     * Verifies that no recorded event has the given name.
     *
     * @throws AssertionError naming the ids of the events that have it
     */
    public AuditSinkAssert hasNotRecordedEventNamed(String eventName) {
        Objects.requireNonNull(eventName, "eventName");
        isNotNull();
        List<AuditEvent> matching = named(actual.events(), eventName);
        if (!matching.isEmpty()) {
            failWithMessage(
                    "Expected sink '%s' not to have recorded an event named \"%s\", but it recorded %s with ids %s",
                    actual.name(), eventName, count(matching.size()), ids(matching));
        }
        return this;
    }

    /**
     * Verifies that exactly one recorded event has the given name, and returns assertions on that event.
     *
     * @throws AssertionError listing the recorded event names, if none or several have it
     */
    public AuditEventAssert singleEventNamed(String eventName) {
        Objects.requireNonNull(eventName, "eventName");
        isNotNull();
        List<AuditEvent> events = actual.events();
        List<AuditEvent> matching = named(events, eventName);
        if (matching.size() != 1) {
            failWithMessage(
                    "Expected sink '%s' to have recorded exactly one event named \"%s\", but it recorded %s; recorded:"
                            + " %s",
                    actual.name(), eventName, matching.size(), names(events));
        }
        return new AuditEventAssert(matching.get(0));
    }

    /**
     * Waits until at least {@code count} events were recorded, for at most {@code timeout}, returning as soon as
     * they were. Use it before other assertions: the pipeline delivers on its own threads.
     *
     * @throws AssertionError listing the recorded event names, if fewer arrived within the timeout or the waiting
     *     thread was interrupted
     * @throws IllegalArgumentException if {@code count} or {@code timeout} is negative
     */
    public AuditSinkAssert awaitRecorded(int count, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        isNotNull();
        boolean arrived;
        try {
            arrived = actual.awaitSize(count, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            List<AuditEvent> events = actual.events();
            failWithMessage(
                    "Interrupted while waiting for sink '%s' to record %s; it recorded %s: %s",
                    actual.name(), count(count), events.size(), names(events));
            return this;
        }
        if (!arrived) {
            List<AuditEvent> events = actual.events();
            failWithMessage(
                    "Expected sink '%s' to record at least %s within %s, but it recorded %s: %s",
                    actual.name(), count(count), timeout, events.size(), names(events));
        }
        return this;
    }

    private static List<AuditEvent> named(List<AuditEvent> events, String eventName) {
        List<AuditEvent> matching = new ArrayList<>();
        for (AuditEvent event : events) {
            if (event.eventName().equals(eventName)) {
                matching.add(event);
            }
        }
        return matching;
    }

    private static String count(int count) {
        return count == 1 ? "1 event" : count + " events";
    }

    private static String names(List<AuditEvent> events) {
        List<String> names = new ArrayList<>();
        for (AuditEvent event : events) {
            names.add(event.eventName());
        }
        return listed(names);
    }

    private static String ids(List<AuditEvent> events) {
        List<String> ids = new ArrayList<>();
        for (AuditEvent event : events) {
            ids.add(event.eventId());
        }
        return listed(ids);
    }

    private static String listed(List<String> values) {
        if (values.size() <= MAX_LISTED) {
            return values.toString();
        }
        String shown = values.subList(0, MAX_LISTED).toString();
        return shown.substring(0, shown.length() - 1) + ", ... and " + (values.size() - MAX_LISTED) + " more]";
    }
}
