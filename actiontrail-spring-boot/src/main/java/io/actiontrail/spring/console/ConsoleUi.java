package io.actiontrail.spring.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The web console's files, served from the jar: {@code <path>/} is the page, {@code <path>/ui/<name>} its scripts,
 * style sheet and icon (the resources in {@code io/actiontrail/spring/console/ui/}). They hold no data: the page reads
 * everything through the API, whose every call is checked and audited. Also sets the security headers that every
 * response below the console's path carries. Thread-safe.
 */
final class ConsoleUi {

    /**
     * The console's Content-Security-Policy: nothing inline, nothing from elsewhere, no frames, and Trusted Types with
     * no policy, so that the browser itself refuses any HTML built from a string (the page builds its DOM node by
     * node, the text of events through {@code textContent} only).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none';"
            + " form-action 'self'; require-trusted-types-for 'script'; trusted-types 'none'";

    /** A file's name below {@code ui/}: one level, lower case, a known extension; nothing else is looked up. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}\\.(js|css|svg)");

    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript;charset=UTF-8",
            "css", "text/css;charset=UTF-8",
            "svg", "image/svg+xml");

    private final boolean tokenMode;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final byte[] page;

    /**
     * @param tokenMode whether callers present a bearer token (then the page asks for it; the files are served to
     *     anyone, as they hold no data) rather than the application's own sign-in (then they are served only to a
     *     caller the API would answer)
     */
    ConsoleUi(boolean tokenMode) {
        this.tokenMode = tokenMode;
        byte[] index = read("index.html");
        if (index == null) {
            throw new IllegalStateException("the console's index.html is missing from the jar");
        }
        String html = new String(index, StandardCharsets.UTF_8);
        this.page = (tokenMode ? html.replace("data-auth=\"session\"", "data-auth=\"token\"") : html)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the files may be served without the access check: only in token mode, where they cannot be signed in. */
    boolean open() {
        return tokenMode;
    }

    /** The headers of every response below the console's path, the API's included. */
    static void secure(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        response.setHeader("Cache-Control", "no-store");
    }

    /**
     * Answers a request for the page or one of its files; {@code path} is the part after the console's path ({@code
     * ""}, {@code /}, {@code /ui/app.js}, …).
     */
    void serve(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean head = "HEAD".equals(request.getMethod());
        if (!"GET".equals(request.getMethod()) && !head) {
            response.setHeader("Allow", "GET, HEAD");
            text(response, 405, "only GET and HEAD are answered here");
            return;
        }
        if (path.isEmpty()) {
            // the page's links are relative to the folder: /actiontrail -> /actiontrail/
            response.setStatus(302);
            response.setHeader("Location", request.getRequestURI() + "/");
            return;
        }
        if (path.equals("/")) {
            write(response, "text/html;charset=UTF-8", page, head);
            return;
        }
        String name = path.startsWith("/ui/") ? path.substring("/ui/".length()) : "";
        byte[] file = NAME.matcher(name).matches() ? file(name) : null;
        if (file == null) {
            text(response, 404, "no such page in the ActionTrail console");
            return;
        }
        write(response, TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "text/plain"), file, head);
    }

    /** A refusal of the page, when no sign-in of the application's can take it over: a short text. */
    static void refuse(HttpServletResponse response, int status, String reason) throws IOException {
        text(response, status, "ActionTrail console: " + reason);
    }

    private byte @Nullable [] file(String name) {
        byte[] cached = files.get(name);
        if (cached != null) {
            return cached;
        }
        byte[] read = read(name);
        if (read != null) {
            files.put(name, read); // only names that exist: the map stays as small as the folder
        }
        return read;
    }

    private static byte @Nullable [] read(String name) {
        try (InputStream in = ConsoleUi.class.getResourceAsStream("ui/" + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers 200 with the body, or, for {@code HEAD}, with its headers only. */
    private static void write(HttpServletResponse response, String type, byte[] body, boolean head) throws IOException {
        response.setStatus(200);
        response.setContentType(type);
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }

    private static void text(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
