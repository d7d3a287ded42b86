package io.actiontrail;

import java.util.function.Function;

/** Looks up an enum constant by its wire spelling, for every enum of the schema. */
final class WireNames {

    private WireNames() {}

    static <E extends Enum<E>> E find(E[] values, Function<E, String> wireName, String spelling, String field) {
        for (E value : values) {
            if (wireName.apply(value).equals(spelling)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + field + ": " + spelling);
    }
}
