package io.actiontrail.internal.insights;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who and what drives an anomalous counter: per key, the events' principals, user agents, source IPs, error codes and
 * tenants, counted only while the key is anomalous or near it (its count in the open minute above half its
 * threshold), at most {@link #MAX_VALUES} values per attribute, the rest counted as {@code (other)}. Not thread-safe:
 * the insights thread owns it.
 */
final class Attributions {

    static final String[] ATTRIBUTES = {"principal", "userAgent", "sourceIpAddress", "errorCode", "tenant"};

    static final int MAX_VALUES = 200;

    static final int TOP = 5;

    private final Map<Integer, Collector> byKey = new HashMap<>();

    /** The values of one key. */
    static final class Collector {
        private final List<Map<String, long[]>> values = new ArrayList<>(ATTRIBUTES.length);

        Collector() {
            for (int i = 0; i < ATTRIBUTES.length; i++) {
                values.add(new HashMap<>());
            }
        }

        void add(int attribute, @Nullable String value) {
            if (value == null) {
                return;
            }
            Map<String, long[]> counts = values.get(attribute);
            long[] count = counts.get(value);
            if (count == null) {
                if (counts.size() >= MAX_VALUES) {
                    count = counts.computeIfAbsent("(other)", v -> new long[1]);
                } else {
                    count = new long[1];
                    counts.put(value, count);
                }
            }
            count[0]++;
        }

        /** The top values of each attribute, as insight details list them. */
        List<Object> top() {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < ATTRIBUTES.length; i++) {
                List<Map.Entry<String, long[]>> entries =
                        new ArrayList<>(values.get(i).entrySet());
                if (entries.isEmpty()) {
                    continue;
                }
                entries.sort((a, b) -> a.getValue()[0] != b.getValue()[0]
                        ? Long.compare(b.getValue()[0], a.getValue()[0])
                        : a.getKey().compareTo(b.getKey()));
                List<Object> top = new ArrayList<>();
                for (int j = 0; j < entries.size() && j < TOP; j++) {
                    Map<String, @Nullable Object> value = new LinkedHashMap<>();
                    value.put("value", entries.get(j).getKey());
                    value.put("count", entries.get(j).getValue()[0]);
                    top.add(value);
                }
                Map<String, @Nullable Object> attribute = new LinkedHashMap<>();
                attribute.put("attribute", ATTRIBUTES[i]);
                attribute.put("insight", top);
                out.add(attribute);
            }
            return out;
        }
    }

    /** Returns the key's collector, creating it. */
    Collector start(int key) {
        return byKey.computeIfAbsent(key, k -> new Collector());
    }

    @Nullable
    Collector get(int key) {
        return byKey.get(key);
    }

    void stop(int key) {
        byKey.remove(key);
    }

    int size() {
        return byKey.size();
    }
}
