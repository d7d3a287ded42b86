package io.actiontrail.spring.console;

import io.actiontrail.AuditEvent;
import io.actiontrail.UserIdentity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The CSV form of events for exports (RFC 4180: quoted where needed, CRLF rows). A cell that a spreadsheet would read
 * as a formula — one beginning with {@code = + - @}, a tab or a carriage return — is written with a leading
 * apostrophe, so that an attacker-controlled value (a user agent, an error message) never runs as a formula in the
 * auditor's spreadsheet. Stateless.
 */
final class CsvRows {

    private static final List<String> COLUMNS = List.of(
            "eventTime",
            "eventId",
            "eventName",
            "eventType",
            "eventRW",
            "outcome",
            "errorCode",
            "userName",
            "principalId",
            "accountId",
            "accessKeyId",
            "sourceIpAddress",
            "userAgent",
            "resourceType",
            "resourceName",
            "requestId",
            "serviceName",
            "errorMessage");

    private CsvRows() {}

    static byte[] header() {
        return (String.join(",", COLUMNS) + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] row(AuditEvent e) {
        UserIdentity id = e.userIdentity();
        StringBuilder row = new StringBuilder(256);
        cell(row, e.eventTime().toString());
        cell(row, e.eventId());
        cell(row, e.eventName());
        cell(row, e.eventType() == null ? null : e.eventType().wireName());
        cell(row, e.eventRW() == null ? null : e.eventRW().wireName());
        cell(row, e.outcome() == null ? null : e.outcome().wireName());
        cell(row, e.errorCode());
        cell(row, id == null ? null : id.userName());
        cell(row, id == null ? null : id.principalId());
        cell(row, id == null ? null : id.accountId());
        cell(row, id == null ? null : id.accessKeyId());
        cell(row, e.sourceIpAddress());
        cell(row, e.userAgent());
        cell(row, e.resourceType());
        cell(row, e.resourceName());
        cell(row, e.requestId());
        cell(row, e.serviceName());
        cell(row, e.errorMessage());
        row.setLength(row.length() - 1);
        row.append("\r\n");
        return row.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends one cell and its comma. */
    static void cell(StringBuilder row, @Nullable String value) {
        if (value == null || value.isEmpty()) {
            row.append(',');
            return;
        }
        String text = value;
        char first = text.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            text = "'" + text;
        }
        boolean quote = false;
        for (int i = 0; i < text.length() && !quote; i++) {
            char c = text.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (quote) {
            row.append('"').append(text.replace("\"", "\"\"")).append('"');
        } else {
            row.append(text);
        }
        row.append(',');
    }
}
