package io.actiontrail.trail;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which events a trail delivers: reads, writes or both, optionally narrowed by event-name globs ({@code Create*},
 * {@code ?etOrder}), excluded event names, event types and resource types. Empty lists place no restriction.
 * Matching of names and types is case-sensitive.
 *
 * <p>Immutable and thread-safe.
 */
public final class EventSelector {

    private static final EventSelector ALL = builder().build();

    private final ReadWriteType readWriteType;
    private final List<String> includeEventNames;
    private final List<String> excludeEventNames;
    private final List<EventType> eventTypes;
    private final List<String> resourceTypes;
    private final @Nullable Pattern include;
    private final @Nullable Pattern exclude;

    private EventSelector(Builder builder) {
        this.readWriteType = builder.readWriteType;
        this.includeEventNames = List.copyOf(builder.includeEventNames);
        this.excludeEventNames = List.copyOf(builder.excludeEventNames);
        this.eventTypes = List.copyOf(builder.eventTypes);
        this.resourceTypes = List.copyOf(builder.resourceTypes);
        this.include = globs(includeEventNames);
        this.exclude = globs(excludeEventNames);
    }

    /** Returns a selector of every event. */
    public static EventSelector all() {
        return ALL;
    }

    /** Returns a selector of write events only. */
    public static EventSelector writes() {
        return builder().readWriteType(ReadWriteType.WRITE).build();
    }

    /** Returns a selector of read events only. */
    public static EventSelector reads() {
        return builder().readWriteType(ReadWriteType.READ).build();
    }

    /** Returns a selector of insight events only ({@link EventType#INSIGHT}), for trails that want only insights. */
    public static EventSelector insights() {
        return builder().eventTypes(EventType.INSIGHT).build();
    }

    /** Returns a builder selecting every event until narrowed. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns whether the trail delivers this event. An event without {@code eventRW} counts as a write. */
    public boolean matches(AuditEvent event) {
        return matches(event.eventName(), event.eventRW(), event.eventType(), event.resourceType());
    }

    /** Returns whether the trail delivers an event with these attributes. */
    public boolean matches(
            String eventName, @Nullable EventRW eventRW, @Nullable EventType eventType, @Nullable String resourceType) {
        EventRW rw = eventRW == null ? EventRW.WRITE : eventRW;
        if ((readWriteType == ReadWriteType.READ && rw != EventRW.READ)
                || (readWriteType == ReadWriteType.WRITE && rw != EventRW.WRITE)) {
            return false;
        }
        if (include != null && !include.matcher(eventName).matches()) {
            return false;
        }
        if (exclude != null && exclude.matcher(eventName).matches()) {
            return false;
        }
        if (!eventTypes.isEmpty() && (eventType == null || !eventTypes.contains(eventType))) {
            return false;
        }
        return resourceTypes.isEmpty() || (resourceType != null && resourceTypes.contains(resourceType));
    }

    /** Returns which of reads and writes are selected. */
    public ReadWriteType readWriteType() {
        return readWriteType;
    }

    /** Returns the event-name globs that are selected; empty selects every name. */
    public List<String> includeEventNames() {
        return includeEventNames;
    }

    /** Returns the event-name globs that are left out. */
    public List<String> excludeEventNames() {
        return excludeEventNames;
    }

    /** Returns the selected event types; empty selects every type. */
    public List<EventType> eventTypes() {
        return eventTypes;
    }

    /** Returns the selected resource types; empty selects events with any or no resource type. */
    public List<String> resourceTypes() {
        return resourceTypes;
    }

    @Override
    public String toString() {
        return "EventSelector{" + readWriteType + ", include=" + includeEventNames + ", exclude=" + excludeEventNames
                + ", eventTypes=" + eventTypes + ", resourceTypes=" + resourceTypes + '}';
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
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /**
     * Which of reads and writes a trail delivers, as in ActionTrail's {@code EventRW} trail setting. Immutable and
     * thread-safe.
     */
    public enum ReadWriteType {
        /** Read events only. */
        READ,
        /** Write events only. */
        WRITE,
        /** Both. */
        ALL
    }

    /** Builds an {@link EventSelector}. Not thread-safe. */
    public static final class Builder {
        private ReadWriteType readWriteType = ReadWriteType.ALL;
        private final List<String> includeEventNames = new ArrayList<>();
        private final List<String> excludeEventNames = new ArrayList<>();
        private final List<EventType> eventTypes = new ArrayList<>();
        private final List<String> resourceTypes = new ArrayList<>();

        private Builder() {}

        /** Sets whether reads, writes or both are selected; defaults to both. */
        public Builder readWriteType(ReadWriteType readWriteType) {
            this.readWriteType = Objects.requireNonNull(readWriteType, "readWriteType");
            return this;
        }

        /** Adds event-name globs to select; {@code *} matches any run of characters, {@code ?} any one. */
        public Builder includeEventNames(String... globs) {
            for (String glob : globs) {
                includeEventNames.add(checkGlob(glob));
            }
            return this;
        }

        /** Adds event-name globs to leave out, even when included. */
        public Builder excludeEventNames(String... globs) {
            for (String glob : globs) {
                excludeEventNames.add(checkGlob(glob));
            }
            return this;
        }

        /** Adds event types to select. */
        public Builder eventTypes(EventType... types) {
            for (EventType type : types) {
                eventTypes.add(Objects.requireNonNull(type, "eventType"));
            }
            return this;
        }

        /** Adds resource types to select. */
        public Builder resourceTypes(String... types) {
            for (String type : types) {
                Objects.requireNonNull(type, "resourceType");
                if (type.isBlank()) {
                    throw new IllegalArgumentException("resourceType must not be blank");
                }
                resourceTypes.add(type);
            }
            return this;
        }

        /** Returns the selector. */
        public EventSelector build() {
            return new EventSelector(this);
        }

        private static String checkGlob(String glob) {
            Objects.requireNonNull(glob, "event-name glob");
            if (glob.isBlank()) {
                throw new IllegalArgumentException("event-name glob must not be blank: '" + glob + "'");
            }
            return glob;
        }
    }
}
