package io.actiontrail;

import java.util.Objects;

/**
 * A value a builder refuses for one setting, which the exception names: {@link #setting()} is the builder's name for
 * it ({@code project}, {@code accessKeyId}, …), so that a framework integration can report its own property name
 * without reading the message. Thrown while configuring, never while recording. The message says what is wrong and
 * never holds a secret.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    /** Creates the exception for {@code setting}, with the message users read. */
    public InvalidSettingException(String setting, String message) {
        super(message);
        this.setting = Objects.requireNonNull(setting, "setting");
    }

    /** Returns the builder's name of the refused setting. */
    public String setting() {
        return setting;
    }
}
