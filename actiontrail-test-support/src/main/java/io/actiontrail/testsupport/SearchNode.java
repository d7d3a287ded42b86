package io.actiontrail.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real search node (OpenSearch or Elasticsearch) for a test class, as a JUnit extension: register one with
 * {@code @RegisterExtension static final OpenSearchNode NODE = new OpenSearchNode();}. The node starts before the
 * class's first test. By default it is shared by every test class of the run that registers the same kind of node and
 * stopped when the run ends; {@link #SearchNode(boolean) per class}, it stops after the class. Also a small
 * administrator's client for the tests, on the JDK's HTTP client. A subclass says how its kind of node starts. JUnit
 * Jupiter is an optional dependency of this module. Thread-safe.
 */
public abstract class SearchNode implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SearchNode.class);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final boolean sharedByTheRun;
    private final HttpClient admin = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private volatile @Nullable Server server;

    /** A started node. */
    public interface Server extends AutoCloseable {
        /** The HTTP port on 127.0.0.1. */
        int port();

        /** Stops the node and removes its files. */
        @Override
        void close() throws IOException;
    }

    /** A node shared by every test class of the run that registers this kind of node. */
    protected SearchNode() {
        this(true);
    }

    /**
     * @param sharedByTheRun {@code true} to share the node with every test class of the run that registers this kind
     *     of node, {@code false} to stop it after the class that registers it
     */
    protected SearchNode(boolean sharedByTheRun) {
        this.sharedByTheRun = sharedByTheRun;
    }

    /** Starts the node and waits until it answers with a yellow or green cluster. */
    protected abstract Server start() throws IOException;

    /**
     * The {@code Authorization} header the administrator's requests carry; none by default, for a node whose security
     * is switched off.
     */
    protected @Nullable String adminAuthorization() {
        return null;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext owner = sharedByTheRun ? context.getRoot() : context;
        // JUnit closes what its store holds with the context that owns the store: the run's, or the class's
        server = owner.getStore(NAMESPACE)
                .computeIfAbsent(
                        getClass(),
                        kind -> {
                            try {
                                return start();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        Server.class);
    }

    /** The started node. */
    protected Server server() {
        Server s = server;
        if (s == null) {
            throw new IllegalStateException("the node starts before all tests of a class");
        }
        return s;
    }

    /** A port nothing listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The node's base URL, such as {@code http://127.0.0.1:9201}. */
    public String url() {
        return "http://127.0.0.1:" + server().port();
    }

    /** A fresh index prefix, so that each test starts with no documents. */
    public static String freshIndex(String what) {
        return "t" + PREFIXES.incrementAndGet() + "-" + what;
    }

    /** Sends a request as an administrator; returns the parsed answer, failing on a non-2xx status. */
    public JsonNode call(String method, String path, @Nullable String body) {
        JsonNode answer = callAllowingErrors(method, path, body);
        if (answer.path("_status").asInt() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + answer);
        }
        return answer;
    }

    /** Sends a request as an administrator; the HTTP status is in the answer's {@code _status}. */
    public JsonNode callAllowingErrors(String method, String path, @Nullable String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        String authorization = adminAuthorization();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = admin.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            JsonNode node = text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            if (node.isObject()) {
                ((ObjectNode) node).put("_status", response.statusCode());
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    /** The version the node reports for itself, such as {@code 2.19.1}. */
    public String version() {
        JsonNode nodes = call("GET", "/_nodes/_local", null).path("nodes");
        return nodes.elements().next().path("version").asText();
    }

    /** Makes what was indexed under the prefix searchable. */
    public void refresh(String index) {
        call("POST", "/" + index + "-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
    }

    /** The {@code _id} of every document in the prefix's indices, each as often as it occurs there. */
    public List<String> documentIds(String index) {
        refresh(index);
        JsonNode hits = call(
                        "POST",
                        "/" + index + "-*/_search?ignore_unavailable=true&allow_no_indices=true",
                        "{\"size\":10000,\"_source\":false}")
                .path("hits")
                .path("hits");
        List<String> ids = new ArrayList<>();
        for (JsonNode hit : hits) {
            ids.add(hit.path("_id").asText());
        }
        return ids;
    }

    /** The hits of every document in the prefix's indices, oldest event first. */
    public JsonNode hits(String index) {
        refresh(index);
        return call(
                        "POST",
                        "/" + index + "-*/_search?ignore_unavailable=true&allow_no_indices=true",
                        "{\"size\":10000,\"sort\":[{\"eventTime\":\"asc\"},{\"eventId\":\"asc\"}]}")
                .path("hits")
                .path("hits");
    }
}
