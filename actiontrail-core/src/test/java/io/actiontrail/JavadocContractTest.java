package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Every public type tells its users, in its javadoc, what they may assume about threads. */
class JavadocContractTest {

    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^\\s*public\\s+(?:static\\s+)?(?:final\\s+|abstract\\s+)?(class|interface|record|enum|@interface)\\s+(\\w+)");
    private static final Pattern THREAD_SAFETY = Pattern.compile(
            "(?i)thread-safe|one thread at a time|per thread|thread-safety|safe to share across threads");

    @Test
    void everyPublicTypeHasJavadocStatingItsThreadSafety() throws IOException {
        Path sources = Path.of("src/main/java");
        assertThat(sources).isDirectory();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (file.getFileName().toString().equals("package-info.java")) {
                    continue;
                }
                String text = Files.readString(file, StandardCharsets.UTF_8);
                Matcher m = PUBLIC_TYPE.matcher(text);
                while (m.find()) {
                    checked++;
                    String javadoc = javadocBefore(text, m.start());
                    if (javadoc == null || !THREAD_SAFETY.matcher(javadoc).find()) {
                        missing.add(file.getFileName() + ": " + m.group(2));
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(missing).as("public types without a thread-safety sentence").isEmpty();
    }

    /** Returns the javadoc comment that ends right before the declaration (annotations may sit between). */
    private static @Nullable String javadocBefore(String text, int declaration) {
        int end = text.lastIndexOf("*/", declaration);
        if (end < 0) {
            return null;
        }
        String between = text.substring(end + 2, declaration).strip();
        if (!between.isEmpty() && !between.startsWith("@")) {
            return null;
        }
        int start = text.lastIndexOf("/**", end);
        return start < 0 ? null : text.substring(start, end);
    }
}
