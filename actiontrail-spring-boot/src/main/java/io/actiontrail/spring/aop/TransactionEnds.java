package io.actiontrail.spring.aop;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.capture.AuditedMethod;
import io.actiontrail.capture.CallRecorder;
import io.actiontrail.capture.Invocation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The event of an {@code @Audited} call made inside a Spring-managed transaction waits for the transaction's end: built
 * when the call returns (arguments and result as they were then), recorded when the transaction commits or rolls back,
 * with {@code additionalEventData.transaction} {@code committed} or {@code rolledBack}. A call that returned normally
 * in a transaction that rolled back had no effect: its event is a {@code Failure} with the error code
 * {@value #ROLLED_BACK}, never a {@code Success}. Only loaded when spring-tx is on the classpath. Stateless.
 */
final class TransactionEnds {

    /** The error code of a call whose transaction rolled back after it returned normally. */
    static final String ROLLED_BACK = "TransactionRolledBack";

    private TransactionEnds() {}

    /**
     * Defers the call's event to the end of the transaction this thread runs in, if there is one.
     *
     * @return {@code false} when no transaction is active: the caller records the event now
     */
    static boolean deferred(
            ActionTrail trail,
            CallRecorder calls,
            AuditedMethod plan,
            Invocation call,
            Consumer<AuditEvent.Builder> customizer) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()
                || !TransactionSynchronizationManager.isActualTransactionActive()) {
            return false;
        }
        AuditEvent event = calls.event(plan, call, customizer);
        if (event == null) {
            return true; // could not be built: counted as dropped by the recorder
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                AuditEvent recorded;
                try {
                    recorded = ended(event, status);
                } catch (RuntimeException e) {
                    recorded = event; // the call's event as built, rather than none
                }
                trail.record(recorded); // never throws
            }
        });
        return true;
    }

    /** The event as its transaction ended. */
    static AuditEvent ended(AuditEvent event, int status) {
        String state =
                switch (status) {
                    case TransactionSynchronization.STATUS_COMMITTED -> "committed";
                    case TransactionSynchronization.STATUS_ROLLED_BACK -> "rolledBack";
                    default -> "unknown";
                };
        Map<String, @Nullable Object> extra = new LinkedHashMap<>();
        Map<String, @Nullable Object> given = event.additionalEventData();
        if (given != null) {
            extra.putAll(given);
        }
        extra.put("transaction", state);
        AuditEvent.Builder b = event.toBuilder().additionalEventData(extra);
        if (status == TransactionSynchronization.STATUS_ROLLED_BACK
                && event.outcome() != Outcome.FAILURE
                && event.outcome() != Outcome.DENIED) {
            b.outcome(Outcome.FAILURE)
                    .errorCode(ROLLED_BACK)
                    .errorMessage("the call returned, but the transaction it ran in was rolled back");
        }
        return b.build();
    }
}
