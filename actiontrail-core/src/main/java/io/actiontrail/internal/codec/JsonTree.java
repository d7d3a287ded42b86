package io.actiontrail.internal.codec;

import io.actiontrail.internal.InternalApi;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Deeply immutable JSON values: {@link Map} with {@link String} keys, {@link List}, {@link String}, {@link Boolean},
 * {@link Long}, {@link Double} and {@code null}. Every free-form object of an {@link AuditEvent} is such a tree, so
 * events compare by value and encode without surprises. Stateless and thread-safe; the trees it makes are immutable.
 */
@InternalApi
public final class JsonTree {

    private JsonTree() {}

    /** Returns a deeply immutable copy of {@code map}, or {@code map} itself when it already is one. */
    public static Map<String, @Nullable Object> freezeObject(Map<String, ? extends @Nullable Object> map) {
        if (map instanceof FrozenMap frozen) {
            return frozen;
        }
        LinkedHashMap<String, @Nullable Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
        for (Map.Entry<String, ? extends @Nullable Object> e : map.entrySet()) {
            Object key = e.getKey();
            if (!(key instanceof String name)) {
                throw new IllegalArgumentException("JSON object keys must be strings: " + key);
            }
            copy.put(name, freeze(e.getValue()));
        }
        return new FrozenMap(copy, null);
    }

    /** Returns whether {@code map} is already a deeply immutable JSON object made by this class. */
    public static boolean isFrozenObject(Map<String, ? extends @Nullable Object> map) {
        return map instanceof FrozenMap;
    }

    /** Wraps a freshly built map whose values are already frozen, without copying. */
    @SuppressWarnings("NonApiType") // insertion order is part of the contract
    public static Map<String, @Nullable Object> adoptObject(LinkedHashMap<String, @Nullable Object> map) {
        return new FrozenMap(map, null);
    }

    /**
     * Wraps a freshly built map whose values are already frozen, without copying, and remembers that the whole tree
     * was redacted with {@code redaction}, so that redacting it again with the same one can be skipped.
     */
    @SuppressWarnings("NonApiType") // insertion order is part of the contract
    public static Map<String, @Nullable Object> adoptRedacted(
            LinkedHashMap<String, @Nullable Object> map, Redaction redaction) {
        return new FrozenMap(map, redaction);
    }

    /** Returns whether {@code map} is a tree made by this class that was wholly redacted with {@code redaction}. */
    public static boolean isRedactedBy(Map<String, ? extends @Nullable Object> map, Redaction redaction) {
        return map instanceof FrozenMap frozen && frozen.redactedBy == redaction;
    }

    /** Wraps a freshly built list whose values are already frozen, without copying. */
    @SuppressWarnings("NonApiType") // a random-access list without copying
    public static List<@Nullable Object> adoptArray(ArrayList<@Nullable Object> list) {
        return new FrozenList(list);
    }

    @SuppressWarnings("unchecked")
    static @Nullable Object freeze(@Nullable Object value) {
        if (value == null
                || value instanceof String
                || value instanceof Boolean
                || value instanceof Long
                || value instanceof Double
                || value instanceof FrozenMap
                || value instanceof FrozenList) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            return freezeObject((Map<String, @Nullable Object>) map);
        }
        if (value instanceof List<?> list) {
            ArrayList<@Nullable Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(freeze(element));
            }
            return new FrozenList(copy);
        }
        throw new IllegalArgumentException(
                "not a JSON value (use the builder's snapshotting setters for objects): " + value.getClass());
    }

    private static final class FrozenMap extends AbstractMap<String, @Nullable Object> {
        private final Map<String, @Nullable Object> delegate;
        /** The redaction every key of the tree was checked against, if known. */
        private final @Nullable Redaction redactedBy;

        @SuppressWarnings("NonApiType") // insertion order is part of the contract
        FrozenMap(LinkedHashMap<String, @Nullable Object> delegate, @Nullable Redaction redactedBy) {
            this.delegate = delegate;
            this.redactedBy = redactedBy;
        }

        @Override
        public Set<Entry<String, @Nullable Object>> entrySet() {
            Map<String, @Nullable Object> view = Collections.unmodifiableMap(delegate);
            return view.entrySet();
        }

        @Override
        public @Nullable Object get(@Nullable Object key) {
            return delegate.get(key);
        }

        @Override
        public boolean containsKey(@Nullable Object key) {
            return delegate.containsKey(key);
        }

        @Override
        public int size() {
            return delegate.size();
        }
    }

    private static final class FrozenList extends AbstractList<@Nullable Object> {
        private final List<@Nullable Object> delegate;

        @SuppressWarnings("NonApiType") // a random-access list without copying
        FrozenList(ArrayList<@Nullable Object> delegate) {
            this.delegate = delegate;
        }

        @Override
        public @Nullable Object get(int index) {
            return delegate.get(index);
        }

        @Override
        public int size() {
            return delegate.size();
        }
    }
}
