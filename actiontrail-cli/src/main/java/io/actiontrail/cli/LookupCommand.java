package io.actiontrail.cli;

import io.actiontrail.AuditEvent;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import io.actiontrail.query.ReadOnlyJournal;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code lookup}: the events matching a search, newest first, as a table or as JSON lines. Used from one thread. */
final class LookupCommand {

    static final String HELP = """
            Usage: java -jar actiontrail.jar lookup --data-dir DIR [search] [--max N] [--oldest-first] [--json]

            Prints the events of the journal in DIR that match the search, newest first: a table of time, user,
            event, resource, source IP and outcome, or with --json one event per line as the journal keeps it.
            Without after: in the search, the whole journal is searched.

              --data-dir DIR   the journal's directory (required); opened read-only
              --max N          print at most N events (1 to 1000000; default 50)
              --oldest-first   oldest first instead
              --json           JSON lines (NDJSON) instead of the table
              --help           this help

            Example: lookup --data-dir /var/lib/orders/actiontrail-data user:alice -outcome:Success --max 20
            """;

    static final int DEFAULT_MAX = 50;

    private final PrintStream out;
    private final PrintStream err;

    LookupCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        Options options =
                Options.parse(args, Set.of(Cli.DATA_DIR, "--max"), Set.of(Cli.HELP, "--oldest-first", "--json"));
        if (options.flag(Cli.HELP)) {
            out.print(HELP);
            return Cli.OK;
        }
        int max = options.integer("--max", 1, 1_000_000, DEFAULT_MAX);
        LookupQuery.Builder builder = Cli.search(options.search());
        if (options.flag("--oldest-first")) {
            builder.order(LookupQuery.Order.OLDEST_FIRST);
        }
        boolean json = options.flag("--json");
        try (ReadOnlyJournal journal = Cli.open(options)) {
            List<AuditEvent> events = new ArrayList<>();
            LookupQuery query = builder.maxResults(Math.min(max, LookupQuery.MAX_MAX_RESULTS))
                    .build();
            boolean more = false;
            while (query != null) {
                LookupResult page = journal.lookup(query);
                for (AuditEvent e : page.events()) {
                    if (events.size() == max) {
                        more = true;
                        break;
                    }
                    events.add(e);
                }
                if (more || events.size() == max) {
                    more = more || page.nextToken() != null;
                    break;
                }
                query = query.next(page);
            }
            print(events, json);
            if (events.isEmpty()) {
                err.println("No events match.");
            } else if (more) {
                err.println("(" + events.size() + " events shown; more match: raise --max)");
            }
        }
        return Cli.OK;
    }

    private void print(List<AuditEvent> events, boolean json) {
        if (json) {
            for (AuditEvent e : events) {
                out.println(e.toJson());
            }
        } else if (!events.isEmpty()) {
            List<List<String>> rows = new ArrayList<>(events.size() + 1);
            rows.add(Text.HEADER);
            for (AuditEvent e : events) {
                rows.add(Text.cells(e));
            }
            out.print(Text.table(rows));
        }
        out.flush();
    }
}
