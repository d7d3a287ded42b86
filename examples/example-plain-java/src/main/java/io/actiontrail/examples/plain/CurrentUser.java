package io.actiontrail.examples.plain;

import io.actiontrail.AuditContext;
import io.actiontrail.UserIdentity;

/** Reads the caller from the audit context, as an application would from its security context. */
final class CurrentUser {

    private CurrentUser() {}

    static String id() {
        UserIdentity identity = AuditContext.current().identity();
        String id = identity == null ? null : identity.principalId();
        return id == null ? "anonymous" : id;
    }
}
