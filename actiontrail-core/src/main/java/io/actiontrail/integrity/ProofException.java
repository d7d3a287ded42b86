package io.actiontrail.integrity;

/**
 * A proof that does not hold: the message says what does not match. Immutable and thread-safe.
 */
public final class ProofException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with what does not hold. */
    public ProofException(String message) {
        super(message);
    }
}
