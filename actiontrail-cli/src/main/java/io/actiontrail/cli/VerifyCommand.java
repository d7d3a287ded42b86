package io.actiontrail.cli;

import io.actiontrail.ActionTrail;
import io.actiontrail.integrity.VerificationReport;
import io.actiontrail.integrity.VerifierKey;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code verify}: checks a journal directory against its signed checkpoints, offline and read-only, and prints one
 * line per finding and a summary; exits {@link Cli#FAILED} when anything was found. Used from one thread.
 */
final class VerifyCommand {

    static final String HELP = """
            Usage: java -jar actiontrail.jar verify --data-dir DIR --key VKEY[,VKEY...] [--key-file FILE]
                                                    [--heartbeat SECONDS]
                   java -jar actiontrail.jar verify --copy DIR|FILE --key ... [--as-of TIME] [--heartbeat SECONDS]

            Checks every line of the journal in DIR against the Merkle tree its signed checkpoints commit to, every
            checkpoint's signature against the trusted keys, and the heartbeat between checkpoints. Prints one line
            per finding (a changed, deleted or reordered event, a cut tail, a fork, a bad or unknown signature, a
            missing heartbeat), then a summary. Nothing in DIR is written.

            With --copy, checks what a sink holds of a trail instead: a local copy of an S3 prefix (a directory of
            the objects and their checkpoint manifests, e.g. from `aws s3 sync s3://bucket/prefix DIR`), or a file
            of JSON lines with checkpoint lines (the SLF4J sink's log, a webhook receiver's file). Deleted objects
            and events, changed, added or reordered lines, and, with --as-of, a cut tail are found.

              --data-dir DIR       the journal's directory; read only
              --copy DIR|FILE      a trail's copy from a sink; read only
              --as-of TIME         when the copy was taken (ISO-8601, or "now"): a newest checkpoint older than
                                   the heartbeat allows is then a cut tail
              --key VKEY,...       trusted verifier keys in their name+keyid+base64 form, comma-separated
              --key-file FILE      trusted verifier keys, one per line (# starts a comment)
              --heartbeat SECONDS  the instance's heartbeat interval (default 60)
              --help               this help

            Exit status: 0 nothing found, 1 findings (or the directory could not be read), 2 a usage error.
            """;

    private final PrintStream out;

    VerifyCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> args) {
        Options options = Options.parse(
                args,
                Set.of(Cli.DATA_DIR, "--copy", "--as-of", "--key", "--key-file", "--heartbeat"),
                Set.of(Cli.HELP));
        if (options.flag(Cli.HELP)) {
            out.print(HELP);
            return Cli.OK;
        }
        if (!options.search().isEmpty()) {
            throw new UsageException("verify takes no search: " + options.search());
        }
        String copy = options.value("--copy");
        String dir = options.value(Cli.DATA_DIR);
        if (copy != null && dir != null) {
            throw new UsageException("give " + Cli.DATA_DIR + " or --copy, not both");
        }
        if (copy != null) {
            return verifyCopy(options, copy);
        }
        if (dir == null || dir.isBlank()) {
            throw new UsageException(Cli.DATA_DIR + " DIR or --copy DIR|FILE is required: what to verify");
        }
        Path path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            throw new UsageException(Cli.DATA_DIR + ": no such directory: " + dir);
        }
        List<VerifierKey> keys = keys(options);
        int heartbeat = options.integer("--heartbeat", 1, 86_400, 60);
        VerificationReport report = ActionTrail.verify(path, keys, Duration.ofSeconds(heartbeat));
        out.print(report.text());
        return report.passed() ? Cli.OK : Cli.FAILED;
    }

    private int verifyCopy(Options options, String copy) {
        Path path = Path.of(copy);
        if (!Files.exists(path)) {
            throw new UsageException("--copy: no such file or directory: " + copy);
        }
        List<VerifierKey> keys = keys(options);
        int heartbeat = options.integer("--heartbeat", 1, 86_400, 60);
        Instant asOf = asOf(options.value("--as-of"));
        VerificationReport report = ActionTrail.verifyTrail(path, keys, Duration.ofSeconds(heartbeat), asOf);
        out.print(report.text());
        return report.passed() ? Cli.OK : Cli.FAILED;
    }

    private static @Nullable Instant asOf(@Nullable String text) {
        if (text == null) {
            return null;
        }
        if (text.equals("now")) {
            return Instant.now();
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UsageException("--as-of: not an ISO-8601 instant such as 2026-12-06T10:00:00Z, nor now: " + text);
        }
    }

    private static List<VerifierKey> keys(Options options) {
        List<String> texts = new ArrayList<>();
        String inline = options.value("--key");
        if (inline != null) {
            for (String part : inline.split(",", -1)) {
                texts.add(part.strip());
            }
        }
        String file = options.value("--key-file");
        if (file != null) {
            try {
                for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                    String text = line.strip();
                    if (!text.isEmpty() && !text.startsWith("#")) {
                        texts.add(text);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the key file " + file + ": " + e.getMessage(), e);
            }
        }
        if (texts.isEmpty()) {
            throw new UsageException("--key or --key-file is required: the keys trusted to have signed checkpoints");
        }
        List<VerifierKey> keys = new ArrayList<>();
        for (String text : texts) {
            try {
                keys.add(VerifierKey.parse(text));
            } catch (IllegalArgumentException e) {
                throw new UsageException(
                        "not a verifier key (name+keyid+base64): " + Text.printable(text) + ": " + e.getMessage());
            }
        }
        return keys;
    }
}
