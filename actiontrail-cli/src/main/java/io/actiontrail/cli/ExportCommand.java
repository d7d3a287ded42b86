package io.actiontrail.cli;

import io.actiontrail.AuditEvent;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import io.actiontrail.query.ReadOnlyJournal;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code export}: every event matching a search, page by page as it is read, as CSV or NDJSON, to a file or the
 * output stream. Used from one thread.
 */
final class ExportCommand {

    static final String HELP = """
            Usage: java -jar actiontrail.jar export --data-dir DIR [search] [--format csv|ndjson] [--output FILE]

            Writes every event of the journal in DIR that matches the search, newest first (order:oldest in the
            search for oldest first), as it reads them. Without after: in the search, the whole journal is exported.
            CSV has the columns of the ActionTrail API's export; a cell beginning with = + - @ is written with a
            leading apostrophe so that a spreadsheet never runs it as a formula.

              --data-dir DIR           the journal's directory (required); opened read-only
              --format csv|ndjson      the format (default ndjson)
              --output FILE            the file to write (replaced if it exists); default standard output
              --help                   this help

            Example: export --data-dir ./actiontrail-data after:2026-12-01 --format csv --output december.csv
            """;

    private final PrintStream out;
    private final PrintStream err;

    ExportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        Options options = Options.parse(args, Set.of(Cli.DATA_DIR, "--format", "--output"), Set.of(Cli.HELP));
        if (options.flag(Cli.HELP)) {
            out.print(HELP);
            return Cli.OK;
        }
        String format = options.value("--format");
        boolean csv;
        if (format == null || format.equals("ndjson")) {
            csv = false;
        } else if (format.equals("csv")) {
            csv = true;
        } else {
            throw new UsageException("--format must be csv or ndjson: " + format);
        }
        LookupQuery query = Cli.search(options.search())
                .maxResults(LookupQuery.MAX_MAX_RESULTS)
                .build();
        try (ReadOnlyJournal journal = Cli.open(options)) {
            Path file = output(options.value("--output"), journal.directory());
            long written;
            if (file == null) {
                written = write(journal, query, csv, out);
                out.flush();
            } else {
                try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
                    written = write(journal, query, csv, stream);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
                }
            }
            err.println("Exported " + written + " events" + (file == null ? "" : " to " + file));
        }
        return Cli.OK;
    }

    private static @Nullable Path output(@Nullable String name, Path journal) {
        if (name == null) {
            return null;
        }
        Path file;
        try {
            file = Path.of(name).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new UsageException("--output: not a path: " + name);
        }
        if (file.startsWith(journal.toAbsolutePath().normalize())) {
            throw new UsageException(
                    "--output must not be inside the journal's directory, which stays untouched: " + name);
        }
        if (Files.isDirectory(file)) {
            throw new UsageException("--output is a directory: " + name);
        }
        return file;
    }

    private static long write(ReadOnlyJournal journal, LookupQuery first, boolean csv, OutputStream stream) {
        long written = 0;
        try {
            if (csv) {
                stream.write(CsvCells.header().getBytes(StandardCharsets.UTF_8));
            }
            LookupQuery query = first;
            while (query != null) {
                LookupResult page = journal.lookup(query);
                for (AuditEvent e : page.events()) {
                    String line = csv ? CsvCells.row(e) : e.toJson() + "\n";
                    stream.write(line.getBytes(StandardCharsets.UTF_8));
                    written++;
                }
                if (stream instanceof PrintStream printing && printing.checkError()) {
                    break; // the reader went away (a pipe into head): nothing more to write to
                }
                query = query.next(page);
            }
            stream.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the export: " + e.getMessage(), e);
        }
        return written;
    }
}
