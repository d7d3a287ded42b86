package io.actiontrail.spring.web;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Tells the controller capture how a {@code @Transactional} handler's own transaction ended: Spring Boot registers
 * every {@link TransactionExecutionListener} bean with the application's transaction managers, and this one marks the
 * call of the current request when the transaction that ended is the one Spring began for the handler method (a new
 * transaction named after the handler's class and method). A service's separate transaction is the service's, and is
 * recorded with its {@code @Audited} call. Loaded only with spring-tx. Stateless and thread-safe: it runs on the
 * request's thread.
 */
final class TransactionOutcomes implements TransactionExecutionListener {

    static final String COMMITTED = "committed";
    static final String ROLLED_BACK = "rolledBack";
    static final String COMMIT_FAILED = "commitFailed";

    /** The error code of a handler that returned while its transaction rolled back. */
    static final String TRANSACTION_ROLLED_BACK = "TransactionRolledBack";

    @Override
    public void afterCommit(TransactionExecution transaction, @Nullable Throwable commitFailure) {
        mark(transaction, commitFailure == null ? COMMITTED : COMMIT_FAILED);
    }

    @Override
    public void afterRollback(TransactionExecution transaction, @Nullable Throwable rollbackFailure) {
        mark(transaction, ROLLED_BACK);
    }

    private static void mark(TransactionExecution transaction, String outcome) {
        if (!transaction.isNewTransaction()) {
            return;
        }
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes instanceof ServletRequestAttributes servlet
                && servlet.getRequest().getAttribute(ControllerAuditInterceptor.CALL)
                        instanceof ControllerAuditInterceptor.Call call
                && call.transactionName().equals(transaction.getTransactionName())) {
            call.transaction = outcome;
        }
    }
}
