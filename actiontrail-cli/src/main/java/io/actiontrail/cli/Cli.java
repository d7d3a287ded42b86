package io.actiontrail.cli;

import io.actiontrail.ActionTrail;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.ReadOnlyJournal;
import io.actiontrail.query.SearchSyntax;
import io.actiontrail.query.SearchSyntaxException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Reads the command line, runs the command it names and returns the exit status: 0 done, 1 the journal or the output
 * failed, 2 a usage error, whose message goes to the error stream with a pointer to the command's help. Commands write
 * their results to the output stream and nothing else there, so that it can be piped. Used from one thread.
 */
final class Cli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String DATA_DIR = "--data-dir";
    static final String HELP = "--help";

    static final String USAGE_TEXT = """
            Usage: java -jar actiontrail.jar <command> [options] [search]

            Reads an ActionTrail journal directory read-only: the data directory of a running service on this host,
            or a copy from another host. Nothing in the directory is written, locked or deleted.

            Commands:
              lookup   the events matching a search, newest first, as a table or JSON lines
              export   every event matching a search, as CSV or NDJSON, to a file or standard output
              tail     follow the events the service appends, printing those that match
              console  serve the ActionTrail API (and the web console) over the directory, with a one-time token
              verify   check the journal against its signed checkpoints: one line per finding, then a summary

            The search is in the console's syntax, for example:
              user:alice action:Create* -outcome:Success resource:Order/o-1 ip:203.0.113.0/24 after:2026-12-01 "text"

            Run `java -jar actiontrail.jar <command> --help` for a command's options.
            Exit status: 0 done, 1 the journal could not be read, the output written or verification found something,
            2 a usage error.
            """;

    private final PrintStream out;
    private final PrintStream err;

    Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command {@code args} name; returns the exit status. */
    int run(String... args) {
        if (args.length == 0) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (command) {
                case "lookup" -> new LookupCommand(out, err).run(rest);
                case "export" -> new ExportCommand(out, err).run(rest);
                case "tail" -> new TailCommand(out, err).run(rest);
                case "console" -> new ConsoleCommand(out, err).run(rest);
                case "verify" -> new VerifyCommand(out).run(rest);
                case "help", "--help", "-h" -> {
                    out.print(USAGE_TEXT);
                    yield OK;
                }
                default ->
                    throw new UsageException("unknown command " + command
                            + "; the commands are lookup, export, tail, console and verify");
            };
        } catch (UsageException e) {
            err.println("actiontrail: " + e.getMessage());
            err.println("Run `java -jar actiontrail.jar " + (isCommand(command) ? command + " " : "")
                    + "--help` for usage.");
            return USAGE;
        } catch (UncheckedIOException | IllegalStateException e) {
            err.println("actiontrail: " + e.getMessage());
            return FAILED;
        }
    }

    private static boolean isCommand(String command) {
        return Set.of("lookup", "export", "tail", "console", "verify").contains(command);
    }

    /**
     * Opens the directory of {@code --data-dir} read-only.
     *
     * @throws UsageException if the option is missing, or the directory is missing or holds no journal
     */
    static ReadOnlyJournal open(Options options) {
        String dir = options.value(DATA_DIR);
        if (dir == null || dir.isBlank()) {
            throw new UsageException(DATA_DIR + " DIR is required: the journal's directory");
        }
        Path path;
        try {
            path = Path.of(dir);
        } catch (InvalidPathException e) {
            throw new UsageException(DATA_DIR + ": not a path: " + dir);
        }
        if (!Files.isDirectory(path)) {
            throw new UsageException(DATA_DIR + ": no such directory: " + dir);
        }
        try {
            return ActionTrail.openReadOnly(path);
        } catch (IllegalArgumentException e) {
            throw new UsageException(DATA_DIR + ": " + e.getMessage());
        }
    }

    /**
     * Reads a search; the whole journal unless it says {@code after:}, since a copied directory may be older than a
     * week.
     *
     * @throws UsageException if it cannot be read: the message shows the search with a caret under the mistake
     */
    static LookupQuery.Builder search(String search) {
        LookupQuery.Builder query;
        try {
            query = SearchSyntax.parse(search);
        } catch (SearchSyntaxException e) {
            throw new UsageException("cannot read the search: " + e.getMessage() + "\n  " + Text.printable(search)
                    + "\n  " + " ".repeat(Math.max(0, Math.min(e.position(), search.length()))) + "^");
        }
        if (query.build().startTime() == null) {
            query.startTime(java.time.Instant.EPOCH);
        }
        return query;
    }
}
