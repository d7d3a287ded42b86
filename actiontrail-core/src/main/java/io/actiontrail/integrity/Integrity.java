package io.actiontrail.integrity;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the journal's tamper evidence is kept: the key that signs checkpoints, the log's origin line, and how often a
 * checkpoint is signed while events arrive and while none do (a heartbeat, so that a cut tail or a stopped process
 * shows). Immutable and thread-safe; build one with {@link #builder}.
 */
public final class Integrity {

    /** The default longest time between checkpoints while events arrive: one second. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    /** The default longest time between checkpoints while none arrive: one minute. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMinutes(1);

    private final CheckpointSigner signer;
    private final String origin;
    private final Duration checkpointInterval;
    private final Duration heartbeatInterval;

    private Integrity(Builder builder, CheckpointSigner signer) {
        this.signer = signer;
        this.origin = builder.origin != null ? builder.origin : signer.keyName();
        this.checkpointInterval = builder.checkpointInterval;
        this.heartbeatInterval = builder.heartbeatInterval;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the signer of checkpoints. */
    public CheckpointSigner signer() {
        return signer;
    }

    /** Returns the origin line of every checkpoint: the log's identity; defaults to the signer's key name. */
    public String origin() {
        return origin;
    }

    /** Returns the longest time between checkpoints while events arrive. */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** Returns the longest time between checkpoints while none arrive. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    @Override
    public String toString() {
        return "Integrity{origin=" + origin + ", key=" + signer.verifierKey() + ", checkpointInterval="
                + checkpointInterval + ", heartbeatInterval=" + heartbeatInterval + "}";
    }

    /** Builds {@link Integrity}. Not thread-safe. */
    public static final class Builder {
        private @Nullable CheckpointSigner signer;
        private @Nullable String origin;
        private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;

        private Builder() {}

        /** Sets the signer of checkpoints; required. */
        public Builder signer(CheckpointSigner signer) {
            this.signer = Objects.requireNonNull(signer, "signer");
            return this;
        }

        /**
         * Sets the origin line, for example {@code orders.example.com/actiontrail}: one line, no spaces needed, unique
         * per log; defaults to the signer's key name.
         */
        public Builder origin(String origin) {
            Objects.requireNonNull(origin, "origin");
            if (origin.isBlank() || origin.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("an origin is one non-blank line");
            }
            this.origin = origin;
            return this;
        }

        /** Sets the longest time between checkpoints while events arrive: 100 ms to one hour; defaults to 1 s. */
        public Builder checkpointInterval(Duration interval) {
            this.checkpointInterval =
                    within(interval, Duration.ofMillis(100), Duration.ofHours(1), "checkpointInterval");
            return this;
        }

        /** Sets the longest time between checkpoints while none arrive: 1 s to one day; defaults to one minute. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = within(interval, Duration.ofSeconds(1), Duration.ofDays(1), "heartbeatInterval");
            return this;
        }

        /**
         * Returns the settings.
         *
         * @throws IllegalStateException if no signer was set, or the heartbeat is shorter than the checkpoint interval
         */
        public Integrity build() {
            CheckpointSigner s = signer;
            if (s == null) {
                throw new IllegalStateException("a signer is required: CheckpointSigner.fromPkcs8(...), say");
            }
            if (heartbeatInterval.compareTo(checkpointInterval) < 0) {
                throw new IllegalStateException("heartbeatInterval (" + heartbeatInterval
                        + ") must not be shorter than checkpointInterval (" + checkpointInterval + ")");
            }
            return new Integrity(this, s);
        }

        private static Duration within(Duration value, Duration min, Duration max, String what) {
            Objects.requireNonNull(value, what);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ": " + value);
            }
            return value;
        }
    }
}
