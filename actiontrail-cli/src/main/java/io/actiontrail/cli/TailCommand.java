package io.actiontrail.cli;

import io.actiontrail.AuditEvent;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.ReadOnlyJournal;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code tail}: follows the journal as its process appends, printing each new event that matches the search, until
 * the thread is interrupted (Ctrl-C ends the process). Polls the directory; a poll that found nothing waits
 * {@link #POLL} before the next. Used from one thread.
 */
final class TailCommand {

    static final String HELP = """
            Usage: java -jar actiontrail.jar tail --data-dir DIR [search] [--from-now] [--json]

            Prints the last 10 events of the journal in DIR that match the search, then every matching event the
            service appends, as it appends them, until Ctrl-C. Rolled and deleted segments are followed.

              --data-dir DIR   the journal's directory (required); opened read-only
              --from-now       only events appended from now on
              --json           JSON lines (NDJSON) instead of columns
              --help           this help

            Example: tail --data-dir ./actiontrail-data outcome:denied,failure
            """;

    /** How long a poll that found nothing waits before the next. */
    static final Duration POLL = Duration.ofMillis(250);

    /** How many past events are printed before following. */
    static final int BACKLOG = 10;

    private static final int[] WIDTHS = {24, 16, 24, 32, 15, 7};

    private final PrintStream out;
    private final PrintStream err;

    TailCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        Options options = Options.parse(args, Set.of(Cli.DATA_DIR), Set.of(Cli.HELP, "--from-now", "--json"));
        if (options.flag(Cli.HELP)) {
            out.print(HELP);
            return Cli.OK;
        }
        LookupQuery query = Cli.search(options.search()).build();
        boolean json = options.flag("--json");
        try (ReadOnlyJournal journal = Cli.open(options)) {
            long position = journal.nextPosition();
            Set<String> shown = new HashSet<>();
            if (!json) {
                out.print(Text.row(Text.HEADER, WIDTHS));
            }
            if (!options.flag("--from-now")) {
                List<AuditEvent> last = new ArrayList<>(journal.lookup(query.toBuilder()
                                .order(LookupQuery.Order.NEWEST_FIRST)
                                .maxResults(BACKLOG)
                                .build())
                        .events());
                for (int i = last.size() - 1; i >= 0; i--) {
                    print(last.get(i), json);
                    shown.add(last.get(i).eventId()); // may be appended after position: not printed twice
                }
            }
            out.flush();
            err.println("Following " + journal.directory() + " from position " + position + "; Ctrl-C to stop.");
            follow(journal, query, position, shown, json);
        }
        return Cli.OK;
    }

    private void follow(ReadOnlyJournal journal, LookupQuery query, long from, Set<String> shown, boolean json) {
        long position = from;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                ReadOnlyJournal.Scan scan = journal.scan(position, LookupQuery.MAX_MAX_RESULTS);
                for (AuditEvent e : scan.events()) {
                    if (matches(query, e) && (shown.isEmpty() || !shown.remove(e.eventId()))) {
                        print(e, json);
                    }
                }
                out.flush();
                if (scan.nextPosition() == position) {
                    Thread.sleep(POLL.toMillis());
                    shown.clear(); // what the backlog showed was appended before this first empty poll
                }
                position = scan.nextPosition();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean matches(LookupQuery query, AuditEvent e) {
        Instant start = query.startTime();
        Instant end = query.endTime();
        Instant time = e.eventTime();
        return (start == null || !time.isBefore(start))
                && (end == null || time.isBefore(end))
                && query.matchesAttributes(e);
    }

    private void print(AuditEvent e, boolean json) {
        out.print(json ? e.toJson() + System.lineSeparator() : Text.row(Text.cells(e), WIDTHS));
    }
}
