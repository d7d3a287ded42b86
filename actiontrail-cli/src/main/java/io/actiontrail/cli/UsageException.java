package io.actiontrail.cli;

/** A command line the CLI cannot run: the message says why, and the command's help is pointed at. Immutable. */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message, null, false, false);
    }
}
