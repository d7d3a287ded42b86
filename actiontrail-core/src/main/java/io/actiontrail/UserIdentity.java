package io.actiontrail;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who performed an operation: the {@code userIdentity} object of an audit event.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type the kind of principal
 * @param principalId the stable identifier of the principal, for example a user id
 * @param userName the display or login name
 * @param accountId the account or tenant the principal belongs to
 * @param accessKeyId the access key or API key id used, never the secret
 * @param sessionContext details of the session, when the principal used one
 */
public record UserIdentity(
        Type type,
        @Nullable String principalId,
        @Nullable String userName,
        @Nullable String accountId,
        @Nullable String accessKeyId,
        @Nullable SessionContext sessionContext) {

    private static final UserIdentity ANONYMOUS = new UserIdentity(Type.ANONYMOUS, null, null, null, null, null);

    /** Validates the identity. */
    public UserIdentity {
        Objects.requireNonNull(type, "type");
    }

    /** Returns an identity of type {@code User}. */
    public static UserIdentity user(String principalId, String userName) {
        return builder(Type.USER).principalId(principalId).userName(userName).build();
    }

    /** Returns an identity of type {@code Service}: another service calling this one. */
    public static UserIdentity service(String serviceName) {
        return builder(Type.SERVICE)
                .principalId(serviceName)
                .userName(serviceName)
                .build();
    }

    /** Returns an identity of type {@code System}: the application acting on its own. */
    public static UserIdentity system(String name) {
        return builder(Type.SYSTEM).principalId(name).userName(name).build();
    }

    /** Returns the identity of an unauthenticated caller. */
    public static UserIdentity anonymous() {
        return ANONYMOUS;
    }

    /** Returns a builder for an identity of the given type. */
    public static Builder builder(Type type) {
        return new Builder(type);
    }

    /** Returns a builder initialised with this identity's values. */
    public Builder toBuilder() {
        return new Builder(type)
                .principalId(principalId)
                .userName(userName)
                .accountId(accountId)
                .accessKeyId(accessKeyId)
                .sessionContext(sessionContext);
    }

    /** The kind of principal behind an operation. Immutable and thread-safe. */
    public enum Type {
        /** A human user of the service. */
        USER("User"),
        /** Another service or application. */
        SERVICE("Service"),
        /** An unauthenticated caller. */
        ANONYMOUS("Anonymous"),
        /** The service itself. */
        SYSTEM("System"),
        /** A principal acting through a role it assumed. */
        ASSUMED_ROLE("AssumedRole");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        /** Returns the spelling used in the JSON wire format, for example {@code AssumedRole}. */
        public String wireName() {
            return wireName;
        }

        /**
         * Returns the constant with the given wire spelling.
         *
         * @throws IllegalArgumentException if no constant has that spelling
         */
        public static Type fromWireName(String wireName) {
            return WireNames.find(values(), Type::wireName, wireName, "userIdentity.type");
        }
    }

    /**
     * The session a principal acted in: the {@code userIdentity.sessionContext} object.
     *
     * <p>Immutable and thread-safe.
     *
     * @param mfaAuthenticated whether the session was authenticated with a second factor
     * @param creationDate when the session was created, to the millisecond
     * @param roles the roles or authorities held in the session
     */
    public record SessionContext(
            @Nullable Boolean mfaAuthenticated, @Nullable Instant creationDate, List<String> roles) {

        /** Validates and copies the values; the creation date is truncated to milliseconds. */
        public SessionContext {
            roles = List.copyOf(roles);
            creationDate = creationDate == null ? null : creationDate.truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /** Builds a {@link UserIdentity}. Not thread-safe. */
    public static final class Builder {
        private final Type type;
        private @Nullable String principalId;
        private @Nullable String userName;
        private @Nullable String accountId;
        private @Nullable String accessKeyId;
        private @Nullable SessionContext sessionContext;

        private Builder(Type type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /** Sets the stable identifier of the principal. */
        public Builder principalId(@Nullable String principalId) {
            this.principalId = principalId;
            return this;
        }

        /** Sets the display or login name. */
        public Builder userName(@Nullable String userName) {
            this.userName = userName;
            return this;
        }

        /** Sets the account or tenant. */
        public Builder accountId(@Nullable String accountId) {
            this.accountId = accountId;
            return this;
        }

        /** Sets the access key id that was used; never pass the secret. */
        public Builder accessKeyId(@Nullable String accessKeyId) {
            this.accessKeyId = accessKeyId;
            return this;
        }

        /** Sets the session details. */
        public Builder sessionContext(@Nullable SessionContext sessionContext) {
            this.sessionContext = sessionContext;
            return this;
        }

        /** Returns the identity. */
        public UserIdentity build() {
            return new UserIdentity(type, principalId, userName, accountId, accessKeyId, sessionContext);
        }
    }
}
