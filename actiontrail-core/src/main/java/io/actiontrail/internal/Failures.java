package io.actiontrail.internal;

import io.actiontrail.Outcome;
import org.jspecify.annotations.Nullable;

/** Turns a thrown exception into an outcome, error code and error message. Stateless and thread-safe. */
@InternalApi
public final class Failures {

    public static final int MAX_MESSAGE_LENGTH = 2048;

    private static final String[] DENIAL_MARKERS = {
        "AccessDenied",
        "Forbidden",
        "Unauthorized",
        "Unauthenticated",
        "PermissionDenied",
        "NotAuthorized",
        "AuthenticationException",
        "AuthorizationException",
        "SecurityException"
    };

    private Failures() {}

    public static Outcome outcomeOf(Throwable error) {
        for (Class<?> c = error.getClass(); c != null && c != Throwable.class; c = c.getSuperclass()) {
            String name = c.getSimpleName();
            for (String marker : DENIAL_MARKERS) {
                if (name.contains(marker)) {
                    return Outcome.DENIED;
                }
            }
        }
        return Outcome.FAILURE;
    }

    public static String codeOf(Throwable error) {
        String name = error.getClass().getSimpleName();
        return name.isEmpty() ? error.getClass().getName() : name;
    }

    public static @Nullable String messageOf(Throwable error) {
        String message;
        try {
            message = error.getMessage();
        } catch (RuntimeException e) {
            return "<getMessage() threw " + e.getClass().getSimpleName() + ">";
        }
        if (message == null) {
            return null;
        }
        return message.length() <= MAX_MESSAGE_LENGTH
                ? message
                : message.substring(0, MAX_MESSAGE_LENGTH) + "…<+" + (message.length() - MAX_MESSAGE_LENGTH)
                        + " chars>";
    }
}
