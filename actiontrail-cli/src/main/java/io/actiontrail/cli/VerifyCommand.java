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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code verify}: checks a journal directory against its signed checkpoints, offline and read-only, and prints one
 * line per finding and a summary; exits {@link Cli#FAILED} when anything was found. Used from one thread.
 */
final class VerifyCommand {

    static final String HELP = """
            Usage: java -jar actiontrail.jar verify --data-dir DIR --key VKEY[,VKEY...] [--key-file FILE]
                                                    [--heartbeat SECONDS]

            Checks every line of the journal in DIR against the Merkle tree its signed checkpoints commit to, every
            checkpoint's signature against the trusted keys, and the heartbeat between checkpoints. Prints one line
            per finding (a changed, deleted or reordered event, a cut tail, a fork, a bad or unknown signature, a
            missing heartbeat), then a summary. Nothing in DIR is written.

              --data-dir DIR       the journal's directory (required); read only
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
        Options options =
                Options.parse(args, Set.of(Cli.DATA_DIR, "--key", "--key-file", "--heartbeat"), Set.of(Cli.HELP));
        if (options.flag(Cli.HELP)) {
            out.print(HELP);
            return Cli.OK;
        }
        if (!options.search().isEmpty()) {
            throw new UsageException("verify takes no search: " + options.search());
        }
        String dir = options.value(Cli.DATA_DIR);
        if (dir == null || dir.isBlank()) {
            throw new UsageException(Cli.DATA_DIR + " DIR is required: the journal's directory");
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
