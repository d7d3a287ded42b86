package io.actiontrail.cli;

import io.actiontrail.AuditEvent;
import io.actiontrail.UserIdentity;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Events as a terminal shows them: the table's columns (time, user, event, resource, source IP, outcome), each cell
 * made printable — event fields are attacker-controlled, and a control character (an escape sequence) must not reach
 * the terminal — and cut to a width. Stateless.
 */
final class Text {

    static final List<String> HEADER = List.of("TIME", "USER", "EVENT", "RESOURCE", "SOURCE IP", "OUTCOME");

    /** The widest a column gets, in characters; longer values end in an ellipsis. */
    static final int MAX_WIDTH = 40;

    private Text() {}

    /** The table's cells of one event. */
    static List<String> cells(AuditEvent e) {
        List<String> cells = new ArrayList<>(HEADER.size());
        cells.add(DateTimeFormatter.ISO_INSTANT.format(e.eventTime().truncatedTo(ChronoUnit.MILLIS)));
        cells.add(user(e.userIdentity()));
        cells.add(e.eventName());
        String type = e.resourceType();
        String name = e.resourceName();
        cells.add(type == null && name == null ? "" : (type == null ? "" : type) + "/" + (name == null ? "" : name));
        cells.add(orEmpty(e.sourceIpAddress()));
        cells.add(e.outcome() == null ? "" : e.outcome().wireName());
        List<String> printable = new ArrayList<>(cells.size());
        for (String cell : cells) {
            printable.add(cut(printable(cell)));
        }
        return printable;
    }

    private static String user(@Nullable UserIdentity id) {
        if (id == null) {
            return "";
        }
        if (id.userName() != null) {
            return id.userName();
        }
        if (id.principalId() != null) {
            return id.principalId();
        }
        return id.type().wireName();
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }

    /** Replaces every control character (C0, DEL, C1) and line or paragraph separator with {@code ?}. */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
            if (control && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (b != null) {
                b.append(control ? '?' : c);
            }
        }
        return b == null ? s : b.toString();
    }

    static String cut(String s) {
        return s.length() <= MAX_WIDTH ? s : s.substring(0, MAX_WIDTH - 1) + "…";
    }

    /** Lays rows out in columns as wide as their widest cell, two spaces apart. */
    static String table(List<List<String>> rows) {
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            line(b, row, widths);
        }
        return b.toString();
    }

    /** One row with fixed widths, for events printed as they come. */
    static String row(List<String> row, int[] widths) {
        StringBuilder b = new StringBuilder();
        line(b, row, widths);
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> row, int[] widths) {
        int start = b.length();
        for (int c = 0; c < widths.length; c++) {
            String cell = row.get(c);
            b.append(cell);
            if (c + 1 < widths.length) {
                b.append(" ".repeat(Math.max(0, widths[c] - cell.length()) + 2));
            }
        }
        int end = b.length();
        while (end > start && b.charAt(end - 1) == ' ') {
            end--;
        }
        b.setLength(end);
        b.append(System.lineSeparator());
    }
}
