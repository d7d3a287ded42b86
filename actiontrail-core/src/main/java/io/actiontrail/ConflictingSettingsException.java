package io.actiontrail;

import java.util.Objects;

/**
 * Settings that are each valid but do not fit together, found when a builder builds; {@link #setting()} names the
 * one to change (the builder's name for it), so that a framework integration can report its own property name without
 * reading the message. Thrown while configuring, never while recording. The message never holds a secret.
 *
 * <p>Immutable; safe to share across threads.
 */
public final class ConflictingSettingsException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    /** Creates the exception naming {@code setting}, the one to change, with the message users read. */
    public ConflictingSettingsException(String setting, String message) {
        super(message);
        this.setting = Objects.requireNonNull(setting, "setting");
    }

    /** Returns the builder's name of the setting to change. */
    public String setting() {
        return setting;
    }
}
