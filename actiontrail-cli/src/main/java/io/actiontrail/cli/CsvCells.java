package io.actiontrail.cli;

import io.actiontrail.AuditEvent;
import io.actiontrail.UserIdentity;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Events as CSV rows (RFC 4180: quoted where needed, CRLF line ends), with the columns of the ActionTrail API's CSV
 * export. A cell a spreadsheet would take for a formula — beginning with {@code = + - @}, a tab or a carriage return —
 * gets a leading apostrophe, since event fields are attacker-controlled. The API's rows are package-private in the
 * Spring Boot module; this is the CLI's own writer of the same format. Stateless.
 */
final class CsvCells {

    static final List<String> COLUMNS = List.of(
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

    private CsvCells() {}

    static String header() {
        return String.join(",", COLUMNS) + "\r\n";
    }

    static String row(AuditEvent e) {
        UserIdentity id = e.userIdentity();
        String[] values = {
            e.eventTime().toString(),
            e.eventId(),
            e.eventName(),
            e.eventType() == null ? null : e.eventType().wireName(),
            e.eventRW() == null ? null : e.eventRW().wireName(),
            e.outcome() == null ? null : e.outcome().wireName(),
            e.errorCode(),
            id == null ? null : id.userName(),
            id == null ? null : id.principalId(),
            id == null ? null : id.accountId(),
            id == null ? null : id.accessKeyId(),
            e.sourceIpAddress(),
            e.userAgent(),
            e.resourceType(),
            e.resourceName(),
            e.requestId(),
            e.serviceName(),
            e.errorMessage()
        };
        StringBuilder row = new StringBuilder(256);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                row.append(',');
            }
            row.append(cell(values[i]));
        }
        return row.append("\r\n").toString();
    }

    /** One cell: neutralised if a spreadsheet would run it, quoted if it holds a comma, quote or line end. */
    static String cell(@Nullable String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        String text = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value
                : value;
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
