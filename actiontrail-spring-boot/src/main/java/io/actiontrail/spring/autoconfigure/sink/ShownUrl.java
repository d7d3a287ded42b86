package io.actiontrail.spring.autoconfigure.sink;

/**
 * What of a configured URL a start-up failure may show: the scheme, host, port and path, never the user info, query
 * or fragment, which may hold credentials. Stateless.
 */
final class ShownUrl {

    private ShownUrl() {}

    /** Returns {@code url} without its user info, query and fragment; also for a URL that does not parse. */
    static String of(String url) {
        String shown = url.strip();
        int end = indexOfAny(shown, '?', '#');
        if (end >= 0) {
            shown = shown.substring(0, end);
        }
        int scheme = shown.indexOf("://");
        int authorityStart = scheme < 0 ? 0 : scheme + 3;
        int slash = shown.indexOf('/', authorityStart);
        int authorityEnd = slash < 0 ? shown.length() : slash;
        int at = shown.lastIndexOf('@', authorityEnd - 1);
        if (at >= authorityStart) {
            shown = shown.substring(0, authorityStart) + shown.substring(at + 1);
        }
        return shown;
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
