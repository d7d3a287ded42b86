package io.actiontrail.cli;

import io.actiontrail.query.ReadOnlyJournal;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.springframework.context.event.ContextClosedEvent;

/**
 * {@code console}: serves the ActionTrail API (and the web console) over the journal, bound to loopback unless told
 * otherwise, with a bearer token printed once; runs until Ctrl-C or until the thread is interrupted. Used from one
 * thread.
 */
final class ConsoleCommand {

    static final String HELP = """
            Usage: java -jar actiontrail.jar console --data-dir DIR [--port P] [--bind ADDRESS]

            Serves the ActionTrail API (below /actiontrail/api) and, when the starter ships it, the web console (at
            /actiontrail) over the journal in DIR, read-only, until Ctrl-C. Every request needs the bearer token
            printed at start (Authorization: Bearer <token>); it is made anew each time and shown once. Each call is
            audited to this command's log (standard error), never into the journal read.

              --data-dir DIR     the journal's directory (required); opened read-only
              --port P           the port (default 0: any free port, printed at start)
              --bind ADDRESS     the address to listen on (default 127.0.0.1: this host only)
              --help             this help

            Example: console --data-dir /var/lib/orders/actiontrail-data --port 8787
            """;

    static final String LOOPBACK = "127.0.0.1";

    private final PrintStream out;
    private final PrintStream err;

    ConsoleCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        Options options = Options.parse(args, Set.of(Cli.DATA_DIR, "--port", "--bind"), Set.of(Cli.HELP));
        if (options.flag(Cli.HELP)) {
            out.print(HELP);
            return Cli.OK;
        }
        if (!options.search().isEmpty()) {
            throw new UsageException("console takes no search: " + options.search());
        }
        int port = options.integer("--port", 0, 65535, 0);
        String bind = options.value("--bind");
        bind = bind == null ? LOOPBACK : bind.strip();
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UsageException("--bind: not an address of this host: " + bind);
        }
        try (ReadOnlyJournal journal = Cli.open(options);
                ConsoleServer server = ConsoleServer.start(journal, address.getHostAddress(), port)) {
            CountDownLatch stopped = new CountDownLatch(1);
            server.context().addApplicationListener(event -> {
                if (event instanceof ContextClosedEvent) {
                    stopped.countDown();
                }
            });
            String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : bind;
            String base = "http://" + host + ":" + server.port() + "/actiontrail";
            out.println("ActionTrail over " + journal.directory().toAbsolutePath() + " (read-only)");
            out.println("API:     " + base + "/api/events");
            out.println("Console: " + base);
            out.println("Token: " + server.token());
            out.println("Stop with Ctrl-C.");
            out.flush();
            if (!address.isLoopbackAddress()) {
                err.println("actiontrail: listening on " + bind + ", not only this host: whoever reaches it with the"
                        + " token reads the trail, over plain HTTP");
            }
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Cli.OK;
    }
}
