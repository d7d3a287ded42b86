package io.actiontrail.insights;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one per-minute counter counts: write calls of one operation of one service, failures of one operation with
 * one error code, the events of one principal or of one access key.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what is counted
 * @param name the operation, principal or access key
 * @param qualifier the service name ({@link Kind#API_CALL}) or error code ({@link Kind#API_ERROR}); empty otherwise
 */
public record CounterKey(Kind kind, String name, String qualifier) {

    /** What a counter counts. Immutable and thread-safe. */
    public enum Kind {
        /** Write events per (eventName, serviceName). */
        API_CALL,
        /** Failed or denied events per (eventName, errorCode). */
        API_ERROR,
        /** Events per principal (principalId, else userName). */
        PRINCIPAL,
        /** Events per access key id. */
        ACCESS_KEY
    }

    /** Validates the key. */
    public CounterKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(qualifier, "qualifier");
    }

    /** Returns the counter of write calls of {@code eventName} recorded by {@code serviceName}. */
    public static CounterKey apiCall(String eventName, @Nullable String serviceName) {
        return new CounterKey(Kind.API_CALL, eventName, serviceName == null ? "" : serviceName);
    }

    /** Returns the counter of failures of {@code eventName} with {@code errorCode}. */
    public static CounterKey apiError(String eventName, @Nullable String errorCode) {
        return new CounterKey(Kind.API_ERROR, eventName, errorCode == null ? "" : errorCode);
    }

    /** Returns the counter of the events of one principal. */
    public static CounterKey principal(String principal) {
        return new CounterKey(Kind.PRINCIPAL, principal, "");
    }

    /** Returns the counter of the events of one access key. */
    public static CounterKey accessKey(String accessKeyId) {
        return new CounterKey(Kind.ACCESS_KEY, accessKeyId, "");
    }

    /** Returns the key as insight events name it: {@code name} or {@code name/qualifier}. */
    public String display() {
        return qualifier.isEmpty() ? name : name + "/" + qualifier;
    }
}
