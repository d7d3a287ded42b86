package io.actiontrail.cli;

/**
 * The entry point of {@code java -jar actiontrail.jar <command> [options]}: runs the command and exits with its
 * status — 0 on success, 1 when the journal could not be read or the output not written, 2 for a usage error (an
 * unknown command or option, a bad value or search, a missing directory). Used once per process, from one thread.
 */
public final class Main {

    private Main() {}

    /** Runs the command the arguments name and exits with its status. */
    public static void main(String[] args) {
        int status = new Cli(System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }
}
