package io.actiontrail.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One command's arguments: {@code --name value} or {@code --name=value} options, {@code --flag} switches, and the
 * words of the search, which are every other argument joined by spaces (a word may start with a single {@code -}, as
 * the search syntax's exclusions do; after {@code --} every argument is a word). Immutable once parsed.
 */
final class Options {

    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> words;

    private Options(Map<String, String> values, Set<String> flags, List<String> words) {
        this.values = values;
        this.flags = flags;
        this.words = words;
    }

    /**
     * Reads {@code args} for a command that takes the options {@code valued} (each with a value) and {@code switches}.
     *
     * @throws UsageException for an unknown option, a missing value or an option given twice
     */
    static Options parse(List<String> args, Set<String> valued, Set<String> switches) {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> words = new ArrayList<>();
        boolean onlyWords = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (onlyWords || !arg.startsWith("--")) {
                if (arg.equals("-h")) {
                    flags.add("--help");
                } else {
                    words.add(arg);
                }
                continue;
            }
            if (arg.equals("--")) {
                onlyWords = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (switches.contains(name)) {
                if (eq >= 0) {
                    throw new UsageException(name + " takes no value: " + arg);
                }
                flags.add(name);
            } else if (valued.contains(name)) {
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(name + " needs a value");
                }
                if (values.put(name, value) != null) {
                    throw new UsageException(name + " is given twice");
                }
            } else {
                throw new UsageException("unknown option " + name);
            }
        }
        return new Options(values, flags, words);
    }

    @Nullable
    String value(String name) {
        return values.get(name);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    /** The words of the search, joined by spaces; empty when there are none. */
    String search() {
        return String.join(" ", words);
    }

    /**
     * The value of an integer option from {@code min} to {@code max}, or {@code fallback} when it is absent.
     *
     * @throws UsageException if it is not such a number
     */
    int integer(String name, int min, int max, int fallback) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " must be a number from " + min + " to " + max + ": " + text);
    }
}
