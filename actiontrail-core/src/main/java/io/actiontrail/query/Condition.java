package io.actiontrail.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one attribute of an event must be: any of some exact values (case-sensitive), any of some prefixes, or — for
 * {@link Attribute#SOURCE_IP_ADDRESS} — any of some networks; or, negated, none of them. An event matches when one of
 * its values for the attribute matches one of the terms; an event without a value for the attribute matches only the
 * negated condition. A {@link LookupQuery} holds any number of conditions, all of which must hold.
 *
 * <p>Immutable and thread-safe.
 */
public final class Condition {

    /** The most terms (values, prefixes and networks together) one query may hold: 1,000. */
    public static final int MAX_TERMS = 1000;

    private final Attribute attribute;
    private final List<String> values;
    private final List<String> prefixes;
    private final List<Network> networks;
    private final boolean negated;

    private Condition(Builder b) {
        this.attribute = b.attribute;
        this.values = List.copyOf(b.values);
        this.prefixes = List.copyOf(b.prefixes);
        this.networks = List.copyOf(b.networks);
        this.negated = b.negated;
    }

    /**
     * Returns the condition that {@code attribute} is one of {@code values}.
     *
     * @throws IllegalArgumentException if there is no value, or one is not valid for the attribute
     */
    public static Condition anyOf(Attribute attribute, Collection<String> values) {
        Builder b = builder(attribute);
        values.forEach(b::value);
        return b.build();
    }

    /**
     * Returns the condition that {@code attribute} is {@code value}.
     *
     * @throws IllegalArgumentException if {@code value} is not valid for the attribute
     */
    public static Condition is(Attribute attribute, String value) {
        return builder(attribute).value(value).build();
    }

    /**
     * Returns the condition that {@code attribute} starts with {@code prefix}.
     *
     * @throws IllegalArgumentException if {@code prefix} is empty
     */
    public static Condition startsWith(Attribute attribute, String prefix) {
        return builder(attribute).prefix(prefix).build();
    }

    /**
     * Returns the condition that the source IP address is in {@code network}.
     *
     * @param network CIDR notation, {@code 203.0.113.0/24} or {@code 2001:db8::/32}, or one address
     * @throws IllegalArgumentException if {@code network} is not one
     */
    public static Condition inNetwork(String network) {
        return builder(Attribute.SOURCE_IP_ADDRESS).network(network).build();
    }

    /** Returns a builder of a condition on {@code attribute}. */
    public static Builder builder(Attribute attribute) {
        return new Builder(attribute);
    }

    /** Returns this condition negated: it holds exactly when this one does not. */
    public Condition negate() {
        Builder b = toBuilder();
        b.negated = !negated;
        return b.build();
    }

    /** Returns a builder with this condition's terms, to add more. */
    public Builder toBuilder() {
        Builder b = new Builder(attribute);
        b.values.addAll(values);
        b.prefixes.addAll(prefixes);
        b.networks.addAll(networks);
        b.negated = negated;
        return b;
    }

    /** Returns the attribute. */
    public Attribute attribute() {
        return attribute;
    }

    /** Returns the exact values, in the order given. */
    public List<String> values() {
        return values;
    }

    /** Returns the prefixes, in the order given. */
    public List<String> prefixes() {
        return prefixes;
    }

    /** Returns the networks in the notation given, in the order given. */
    public List<String> networks() {
        return networks.stream().map(Network::toString).toList();
    }

    /** Returns whether the condition is negated. */
    public boolean negated() {
        return negated;
    }

    /** Returns how many terms the condition holds. */
    public int terms() {
        return values.size() + prefixes.size() + networks.size();
    }

    /** Returns whether an event with these values of the attribute satisfies the condition. */
    public boolean test(Collection<String> eventValues) {
        return anyTermMatches(eventValues) != negated;
    }

    private boolean anyTermMatches(Collection<String> eventValues) {
        for (String v : eventValues) {
            if (values.contains(v)) {
                return true;
            }
            for (String p : prefixes) {
                if (v.startsWith(p)) {
                    return true;
                }
            }
            for (Network n : networks) {
                if (n.contains(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Condition c
                && c.attribute == attribute
                && c.negated == negated
                && c.values.equals(values)
                && c.prefixes.equals(prefixes)
                && c.networks.equals(networks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(attribute, values, prefixes, networks, negated);
    }

    /** Returns a canonical form, for example {@code -eventName:[CreateOrder, Delete*]}. */
    @Override
    public String toString() {
        List<String> terms = new ArrayList<>(values);
        prefixes.forEach(p -> terms.add(p + "*"));
        networks.forEach(n -> terms.add(n.toString()));
        return (negated ? "-" : "") + attribute.wireName() + ":" + terms;
    }

    /** Builds a {@link Condition}. Not thread-safe. */
    public static final class Builder {
        private final Attribute attribute;
        private final List<String> values = new ArrayList<>();
        private final List<String> prefixes = new ArrayList<>();
        private final List<Network> networks = new ArrayList<>();
        private boolean negated;

        private Builder(Attribute attribute) {
            this.attribute = Objects.requireNonNull(attribute, "attribute");
        }

        /**
         * Adds an exact value.
         *
         * @throws IllegalArgumentException if it is not valid for the attribute (an enumerated attribute takes the
         *     wire spellings of its constants, for example {@code Success})
         */
        public Builder value(String value) {
            Objects.requireNonNull(value, "value");
            if (!attribute.accepts(value)) {
                throw new IllegalArgumentException(
                        "'" + value + "' is not a value of " + attribute.wireName() + attribute.choices());
            }
            if (!values.contains(value)) {
                values.add(value);
            }
            return this;
        }

        /**
         * Adds a prefix.
         *
         * @throws IllegalArgumentException if it is empty
         */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty()) {
                throw new IllegalArgumentException("a prefix of " + attribute.wireName() + " must not be empty");
            }
            if (!prefixes.contains(prefix)) {
                prefixes.add(prefix);
            }
            return this;
        }

        /**
         * Adds a network; the attribute must be {@link Attribute#SOURCE_IP_ADDRESS}.
         *
         * @param network CIDR notation, {@code 203.0.113.0/24} or {@code 2001:db8::/32}, or one address
         * @throws IllegalArgumentException if it is not one, or the attribute is another
         */
        public Builder network(String network) {
            Objects.requireNonNull(network, "network");
            if (attribute != Attribute.SOURCE_IP_ADDRESS) {
                throw new IllegalArgumentException(
                        "only sourceIpAddress matches networks, not " + attribute.wireName());
            }
            Network parsed = Network.parse(network);
            if (!networks.contains(parsed)) {
                networks.add(parsed);
            }
            return this;
        }

        /** Makes the condition hold exactly when none of its terms matches. */
        public Builder negated(boolean negated) {
            this.negated = negated;
            return this;
        }

        /**
         * Returns the condition.
         *
         * @throws IllegalArgumentException if it has no term, or more than {@link #MAX_TERMS}
         */
        public Condition build() {
            int terms = values.size() + prefixes.size() + networks.size();
            if (terms == 0) {
                throw new IllegalArgumentException("a condition on " + attribute.wireName() + " needs a value");
            }
            if (terms > MAX_TERMS) {
                throw new IllegalArgumentException("a condition on " + attribute.wireName() + " has " + terms
                        + " values; at most " + MAX_TERMS + " are allowed");
            }
            return new Condition(this);
        }
    }
}
