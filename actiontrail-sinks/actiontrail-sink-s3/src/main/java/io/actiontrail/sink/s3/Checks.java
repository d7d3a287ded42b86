package io.actiontrail.sink.s3;

import java.util.Objects;

/** Argument checks shared by the builders of this package. Stateless. */
final class Checks {

    private Checks() {}

    /** Returns the stripped value; throws naming the setting and the value if it is blank. */
    static String requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank: '" + value + "'");
        }
        return value.strip();
    }
}
