package io.actiontrail.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** A print stream another thread writes while the test reads what it wrote so far. Thread-safe. */
final class Output {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String text() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    List<String> lines() {
        String text = text();
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\R"));
    }
}
