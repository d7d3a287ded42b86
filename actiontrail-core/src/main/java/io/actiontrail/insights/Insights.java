package io.actiontrail.insights;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The settings of insight detection, given to {@link io.actiontrail.ActionTrail.Builder#insights}. Insights are on by
 * default, with every type and conservative thresholds.
 *
 * <p><b>The rule.</b> Per counter and minute, a rate insight starts when the minute's count is above
 * {@code max(μ + k·σ, r·μ, floor)} for {@code m} minutes in a row, and ends after {@code m} minutes back under it;
 * {@code μ} and {@code σ} are the mean and standard deviation of the counter's per-minute counts in the same hour of
 * the day over the last 7 days, recomputed at each UTC midnight. Until a counter has a day of history, {@code μ} and
 * {@code σ} come from all its minutes so far and the floor is {@link #coldStartFloor()}. Burst insights (IP, an
 * access key after a silence, trail concealment, password and policy changes) start at the event that triggers them
 * and end after {@code m} minutes without another.
 *
 * <p>Immutable and thread-safe.
 */
public final class Insights {

    /** Default {@code k}: 4 standard deviations. */
    public static final double DEFAULT_DEVIATIONS = 4.0;

    /** Default {@code r}: 3 times the baseline mean. */
    public static final double DEFAULT_RATIO = 3.0;

    /** Default floor: 10 events per minute. */
    public static final double DEFAULT_FLOOR = 10.0;

    /** Default floor while a counter has less than a day of history: 30 events per minute. */
    public static final double DEFAULT_COLD_START_FLOOR = 30.0;

    /** Default {@code m}: 2 minutes above to start, 2 minutes under to end. */
    public static final int DEFAULT_MINUTES = 2;

    /** Default learning period of IP and access-key insights: 1 day. */
    public static final Duration DEFAULT_LEARNING_PERIOD = Duration.ofDays(1);

    /** Default silence after which an access key's use is an insight: 30 days. */
    public static final Duration DEFAULT_ACCESS_KEY_SILENCE = Duration.ofDays(30);

    /**
     * Default most counters tracked: 10,000, which hold under 16 MB of heap (about 6 MB retained, measured by
     * KeyTableMemoryTest); a service with more principals or operations raises it knowingly.
     */
    public static final int DEFAULT_MAX_KEYS = 10_000;

    /**
     * Default event-name globs of password changes: the verbs that change one ({@code *Password*} alone also matched
     * {@code GetPasswordPolicy} or an application's {@code LoginWithWrongPassword}).
     */
    public static final List<String> DEFAULT_PASSWORD_PATTERNS = List.of(
            "*ChangePassword*",
            "*ResetPassword*",
            "*UpdatePassword*",
            "*SetPassword*",
            "*PasswordChange*",
            "*PasswordReset*",
            "*UpdateLoginProfile*");

    /** Default event-name globs of policy and permission changes: the verbs that change one, never a read. */
    public static final List<String> DEFAULT_POLICY_PATTERNS = List.of(
            "Create*Policy*",
            "Delete*Policy*",
            "Update*Policy*",
            "Put*Policy*",
            "Set*Policy*",
            "Attach*Policy*",
            "Detach*Policy*",
            "Add*Permission*",
            "Remove*Permission*",
            "Grant*",
            "Revoke*");

    private static final Insights DEFAULTS = builder().build();

    private static final Insights DISABLED = builder().enabled(false).build();

    private final boolean enabled;
    private final Set<InsightType> types;
    private final double deviations;
    private final double ratio;
    private final double floor;
    private final double coldStartFloor;
    private final int minutes;
    private final Duration learningPeriod;
    private final Duration accessKeySilence;
    private final int maxKeys;
    private final List<String> passwordPatterns;
    private final List<String> policyPatterns;
    private final @Nullable Pattern password;
    private final @Nullable Pattern policy;

    private Insights(Builder b) {
        this.enabled = b.enabled;
        this.types = Set.copyOf(b.types);
        this.deviations = b.deviations;
        this.ratio = b.ratio;
        this.floor = b.floor;
        this.coldStartFloor = b.coldStartFloor;
        this.minutes = b.minutes;
        this.learningPeriod = b.learningPeriod;
        this.accessKeySilence = b.accessKeySilence;
        this.maxKeys = b.maxKeys;
        this.passwordPatterns = List.copyOf(b.passwordPatterns);
        this.policyPatterns = List.copyOf(b.policyPatterns);
        this.password = globs(passwordPatterns);
        this.policy = globs(policyPatterns);
    }

    /** Returns the defaults: on, every type, the documented thresholds. */
    public static Insights defaults() {
        return DEFAULTS;
    }

    /** Returns settings that turn insights off. */
    public static Insights disabled() {
        return DISABLED;
    }

    /** Returns a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether insights run. */
    public boolean enabled() {
        return enabled;
    }

    /** Whether insights of {@code type} are detected. */
    public boolean enabled(InsightType type) {
        return enabled && types.contains(type);
    }

    /** The types detected. */
    public Set<InsightType> types() {
        return types;
    }

    /** {@code k}: how many standard deviations above the mean a minute must be. */
    public double deviations() {
        return deviations;
    }

    /** {@code r}: how many times the mean a minute must be. */
    public double ratio() {
        return ratio;
    }

    /** The fewest events per minute that can be unusual. */
    public double floor() {
        return floor;
    }

    /** The floor while a counter has less than a day of history. */
    public double coldStartFloor() {
        return coldStartFloor;
    }

    /** {@code m}: minutes above the threshold to start an insight, and under it to end one. */
    public int minutes() {
        return minutes;
    }

    /** How long principals' networks and access keys are learnt before new ones are insights. */
    public Duration learningPeriod() {
        return learningPeriod;
    }

    /** The silence after which an access key's use is an insight. */
    public Duration accessKeySilence() {
        return accessKeySilence;
    }

    /** The most counters tracked; events of further counters are counted in the status only. */
    public int maxKeys() {
        return maxKeys;
    }

    /** The event-name globs of password changes. */
    public List<String> passwordPatterns() {
        return passwordPatterns;
    }

    /** The event-name globs of policy changes. */
    public List<String> policyPatterns() {
        return policyPatterns;
    }

    /** Whether an event of this name is a password change. */
    public boolean isPasswordChange(String eventName) {
        return password != null && password.matcher(eventName).matches();
    }

    /** Whether an event of this name is a policy change. */
    public boolean isPolicyChange(String eventName) {
        return policy != null && policy.matcher(eventName).matches();
    }

    @Override
    public String toString() {
        return "Insights{enabled=" + enabled + ", types=" + types + ", k=" + deviations + ", r=" + ratio + ", floor="
                + floor + ", coldStartFloor=" + coldStartFloor + ", m=" + minutes + '}';
    }

    private static @Nullable Pattern globs(List<String> globs) {
        if (globs.isEmpty()) {
            return null;
        }
        StringBuilder regex = new StringBuilder();
        for (String glob : globs) {
            if (regex.length() > 0) {
                regex.append('|');
            }
            regex.append("(?:");
            StringBuilder literal = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*' || c == '?') {
                    if (literal.length() > 0) {
                        regex.append(Pattern.quote(literal.toString()));
                        literal.setLength(0);
                    }
                    regex.append(c == '*' ? ".*" : ".");
                } else {
                    literal.append(c);
                }
            }
            if (literal.length() > 0) {
                regex.append(Pattern.quote(literal.toString()));
            }
            regex.append(')');
        }
        return Pattern.compile(regex.toString());
    }

    /** Builds {@link Insights}. Not thread-safe. */
    public static final class Builder {
        private boolean enabled = true;
        private final Set<InsightType> types = EnumSet.allOf(InsightType.class);
        private double deviations = DEFAULT_DEVIATIONS;
        private double ratio = DEFAULT_RATIO;
        private double floor = DEFAULT_FLOOR;
        private double coldStartFloor = DEFAULT_COLD_START_FLOOR;
        private int minutes = DEFAULT_MINUTES;
        private Duration learningPeriod = DEFAULT_LEARNING_PERIOD;
        private Duration accessKeySilence = DEFAULT_ACCESS_KEY_SILENCE;
        private int maxKeys = DEFAULT_MAX_KEYS;
        private List<String> passwordPatterns = DEFAULT_PASSWORD_PATTERNS;
        private List<String> policyPatterns = DEFAULT_POLICY_PATTERNS;

        private Builder() {}

        /** Turns insights on or off; on by default. */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** Turns the detection of one type on or off; every type is on by default. */
        public Builder type(InsightType type, boolean enabled) {
            Objects.requireNonNull(type, "type");
            if (enabled) {
                types.add(type);
            } else {
                types.remove(type);
            }
            return this;
        }

        /** Sets {@code k}, the standard deviations above the mean, from 1 to 100; defaults to 4. */
        public Builder deviations(double k) {
            if (!(k >= 1 && k <= 100)) {
                throw new IllegalArgumentException("deviations must be between 1 and 100: " + k);
            }
            this.deviations = k;
            return this;
        }

        /** Sets {@code r}, the multiple of the mean, from 1 to 1000; defaults to 3. */
        public Builder ratio(double r) {
            if (!(r >= 1 && r <= 1000)) {
                throw new IllegalArgumentException("ratio must be between 1 and 1000: " + r);
            }
            this.ratio = r;
            return this;
        }

        /** Sets the fewest events per minute that can be unusual, at least 1; defaults to 10. */
        public Builder floor(double eventsPerMinute) {
            if (!(eventsPerMinute >= 1 && eventsPerMinute <= 1e9)) {
                throw new IllegalArgumentException(
                        "floor must be between 1 and 10^9 events per minute: " + eventsPerMinute);
            }
            this.floor = eventsPerMinute;
            return this;
        }

        /** Sets the floor while a counter has less than a day of history, at least 1; defaults to 30. */
        public Builder coldStartFloor(double eventsPerMinute) {
            if (!(eventsPerMinute >= 1 && eventsPerMinute <= 1e9)) {
                throw new IllegalArgumentException(
                        "coldStartFloor must be between 1 and 10^9 events per minute: " + eventsPerMinute);
            }
            this.coldStartFloor = eventsPerMinute;
            return this;
        }

        /** Sets {@code m}, the minutes above to start and under to end, from 1 to 60; defaults to 2. */
        public Builder minutes(int m) {
            if (m < 1 || m > 60) {
                throw new IllegalArgumentException("minutes must be between 1 and 60: " + m);
            }
            this.minutes = m;
            return this;
        }

        /** Sets how long networks and access keys are learnt, from 0 to 90 days; defaults to 1 day. */
        public Builder learningPeriod(Duration period) {
            Objects.requireNonNull(period, "period");
            if (period.isNegative() || period.compareTo(Duration.ofDays(90)) > 0) {
                throw new IllegalArgumentException("learningPeriod must be between 0 and 90 days: " + period);
            }
            this.learningPeriod = period;
            return this;
        }

        /** Sets the silence after which an access key's use is an insight, 1 hour to 365 days; defaults to 30 days. */
        public Builder accessKeySilence(Duration silence) {
            Objects.requireNonNull(silence, "silence");
            if (silence.compareTo(Duration.ofHours(1)) < 0 || silence.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException("accessKeySilence must be between 1 hour and 365 days: " + silence);
            }
            this.accessKeySilence = silence;
            return this;
        }

        /** Sets the most counters tracked, from 16 to 10,000,000; defaults to 10,000 (under 16 MB of heap). */
        public Builder maxKeys(int keys) {
            if (keys < 16 || keys > 10_000_000) {
                throw new IllegalArgumentException("maxKeys must be between 16 and 10,000,000: " + keys);
            }
            this.maxKeys = keys;
            return this;
        }

        /** Replaces the event-name globs of password changes ({@code *} any run, {@code ?} one character). */
        public Builder passwordPatterns(Collection<String> globs) {
            this.passwordPatterns = checkGlobs(globs, "passwordPatterns");
            return this;
        }

        /** Replaces the event-name globs of policy changes ({@code *} any run, {@code ?} one character). */
        public Builder policyPatterns(Collection<String> globs) {
            this.policyPatterns = checkGlobs(globs, "policyPatterns");
            return this;
        }

        private static List<String> checkGlobs(Collection<String> globs, String what) {
            Objects.requireNonNull(globs, what);
            List<String> out = new ArrayList<>(globs.size());
            for (String glob : globs) {
                if (glob == null || glob.isBlank()) {
                    throw new IllegalArgumentException(what + " must not hold a blank pattern: " + globs);
                }
                out.add(glob.strip());
            }
            return out;
        }

        /**
         * Returns the settings.
         *
         * @throws IllegalStateException if the cold-start floor is below the floor
         */
        public Insights build() {
            if (coldStartFloor < floor) {
                throw new IllegalStateException(
                        "coldStartFloor (" + coldStartFloor + ") must not be below floor (" + floor + ")");
            }
            return new Insights(this);
        }
    }
}
