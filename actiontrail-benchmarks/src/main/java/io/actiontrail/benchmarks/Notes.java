package io.actiontrail.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Facts a benchmark learns only at tear-down (events dropped, events per fsync), appended to the file named by the
 * system property {@value #PROPERTY} so that {@link BenchmarkMain} can print them next to the scores; printed to
 * standard output when the property is absent. Thread-safe: each note is one append.
 */
final class Notes {

    static final String PROPERTY = "actiontrail.bench.notes";

    private Notes() {}

    static synchronized void add(String benchmark, String note) {
        String line = benchmark + ": " + note;
        System.out.println(line);
        String path = System.getProperty(PROPERTY);
        if (path == null) {
            return;
        }
        try {
            Files.writeString(
                    Path.of(path),
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
