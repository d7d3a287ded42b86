package io.actiontrail.trail;

import io.actiontrail.sink.AuditSink;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named route: which recorded events ({@link EventSelector}) go to which sinks, and how failed deliveries are
 * retried. Each sink of a trail is fed by its own shipper with its own position in the journal, so a slow or failing
 * sink never holds back another.
 *
 * <p>Immutable and thread-safe; the sinks it holds are used from one thread at a time.
 */
public final class Trail {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final String name;
    private final EventSelector selector;
    private final Map<String, AuditSink> sinks;
    private final RetryPolicy retryPolicy;
    private final boolean startLogging;
    private final StartPosition startFrom;

    private Trail(Builder builder) {
        this.name = builder.name;
        this.selector = builder.selector;
        this.sinks = Collections.unmodifiableMap(new LinkedHashMap<>(builder.sinks));
        this.retryPolicy = builder.retryPolicy;
        this.startLogging = builder.startLogging;
        this.startFrom = builder.startFrom;
    }

    /**
     * Returns a builder for a trail with the given name: letters, digits, {@code _ . -}, at most 128 characters.
     *
     * @throws IllegalArgumentException if the name is not valid
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Returns the trail's name. */
    public String name() {
        return name;
    }

    /** Returns which events the trail delivers. */
    public EventSelector selector() {
        return selector;
    }

    /** Returns the sinks by name, in the order they were added. */
    public Map<String, AuditSink> sinks() {
        return sinks;
    }

    /** Returns how failed deliveries are retried. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Returns whether the trail starts logging as soon as it is built into an ActionTrail. */
    public boolean startLogging() {
        return startLogging;
    }

    /** Returns where each sink starts in the journal the first time it is seen. */
    public StartPosition startFrom() {
        return startFrom;
    }

    @Override
    public String toString() {
        return "Trail{" + name + ", " + selector + ", sinks=" + sinks.keySet() + '}';
    }

    /** Builds a {@link Trail}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private EventSelector selector = EventSelector.all();
        private final Map<String, AuditSink> sinks = new LinkedHashMap<>();
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private boolean startLogging = true;
        private StartPosition startFrom = StartPosition.LATEST;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "trail name must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit: '"
                                + name + "'");
            }
            this.name = name;
        }

        /** Sets which events the trail delivers; defaults to {@link EventSelector#all()}. */
        public Builder selector(EventSelector selector) {
            this.selector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /** Adds a sink under its own {@link AuditSink#name()}. */
        public Builder sink(AuditSink sink) {
            Objects.requireNonNull(sink, "sink");
            return sink(sink.name(), sink);
        }

        /**
         * Adds a sink under the given name, unique within the trail.
         *
         * @throws IllegalArgumentException if the trail already has a sink of that name
         */
        public Builder sink(String name, AuditSink sink) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sink, "sink");
            if (name.isBlank()) {
                throw new IllegalArgumentException("sink name must not be blank");
            }
            if (sinks.containsKey(name)) {
                throw new IllegalArgumentException(
                        "trail '" + this.name + "' already has a sink named '" + name + "'; give each a unique name");
            }
            sinks.put(name, sink);
            return this;
        }

        /** Sets how failed deliveries are retried; defaults to {@link RetryPolicy#DEFAULT}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Sets whether the trail logs from the start; defaults to {@code true}. */
        public Builder startLogging(boolean startLogging) {
            this.startLogging = startLogging;
            return this;
        }

        /**
         * Sets where each sink starts in the journal the first time it is seen; defaults to
         * {@link StartPosition#LATEST}. {@link StartPosition#EARLIEST} back-fills a new destination with everything the
         * journal holds. Once a sink has a cursor, it resumes from there.
         */
        public Builder startFrom(StartPosition startFrom) {
            this.startFrom = Objects.requireNonNull(startFrom, "startFrom");
            return this;
        }

        /** Starts each sink, the first time it is seen, at the first event recorded at or after {@code time}. */
        public Builder startFrom(Instant time) {
            return startFrom(StartPosition.at(time));
        }

        /**
         * Returns the trail.
         *
         * @throws IllegalStateException if no sink was added
         */
        public Trail build() {
            if (sinks.isEmpty()) {
                throw new IllegalStateException("trail '" + name + "' has no sink; add at least one");
            }
            return new Trail(this);
        }
    }
}
