package io.actiontrail.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Elasticsearch node of a given major version, shared by every test class of the module that registers the
 * same kind of node, and stopped when the test run ends (JUnit closes it with the root store). Register a subclass
 * with {@code @RegisterExtension static final Elasticsearch7Node NODE = new Elasticsearch7Node();}. Also a small
 * admin client for the tests. Thread-safe.
 */
abstract class ElasticsearchNode implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ElasticsearchNode.class);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final MediaType JSON = MediaType.get("application/json");

    private final OkHttpClient admin = new OkHttpClient();
    private volatile @Nullable Server server;

    /** A started node. */
    interface Server extends AutoCloseable {
        /** The HTTP port on 127.0.0.1. */
        int port();

        /** Stops the node and removes its files. */
        @Override
        void close() throws IOException;
    }

    /** Starts the node and waits until it answers with a yellow or green cluster. */
    abstract Server start() throws IOException;

    /** The version the node must report, such as {@code 7.10.2}. */
    abstract String expectedVersion();

    /**
     * The error type the node gives a document whose value does not fit the field's mapping: the sink reports it as
     * the error code. Elasticsearch 8 renamed it.
     */
    abstract String mappingConflictErrorType();

    /**
     * The path and JSON body of a {@code POST} that this node answers with a deprecation warning, to show that its
     * warnings reach the {@code Warning} header.
     */
    abstract String[] deprecatedPost();

    /**
     * The {@code Authorization} header the administrator's requests carry; none by default, for a node whose security
     * is switched off.
     */
    @Nullable
    String adminAuthorization() {
        return null;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(
                        getClass(),
                        k -> {
                            try {
                                return start();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        Server.class);
    }

    /** The started node. */
    Server server() {
        Server s = server;
        if (s == null) {
            throw new IllegalStateException("the node starts before all tests of a class");
        }
        return s;
    }

    /** A port nothing listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    String url() {
        return "http://127.0.0.1:" + server().port();
    }

    /** A fresh index prefix, so that each test starts with no documents. */
    static String freshIndex(String what) {
        return "t" + PREFIXES.incrementAndGet() + "-" + what;
    }

    /** Sends a request as an administrator; returns the parsed answer, failing on a non-2xx status. */
    JsonNode call(String method, String path, @Nullable String body) {
        JsonNode answer = callAllowingErrors(method, path, body);
        if (answer.path("_status").asInt() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + answer);
        }
        return answer;
    }

    /** Sends a request as an administrator; the HTTP status is in the answer's {@code _status}. */
    JsonNode callAllowingErrors(String method, String path, @Nullable String body) {
        boolean needsBody = method.equals("POST") || method.equals("PUT");
        RequestBody requestBody = body == null && !needsBody
                ? null
                : RequestBody.create((body == null ? "" : body).getBytes(StandardCharsets.UTF_8), JSON);
        Request.Builder request = new Request.Builder().url(url() + path).method(method, requestBody);
        String authorization = adminAuthorization();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try (Response response = admin.newCall(request.build()).execute()) {
            String text = response.body().string();
            JsonNode node = text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
            if (node.isObject()) {
                ((ObjectNode) node).put("_status", response.code());
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version the node reports for itself. */
    String version() {
        JsonNode nodes = call("GET", "/_nodes/_local", null).path("nodes");
        return nodes.elements().next().path("version").asText();
    }

    void refresh(String index) {
        call("POST", "/" + index + "-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
    }

    /** The {@code _id} of every document in the prefix's indices, each as often as it occurs there. */
    List<String> documentIds(String index) {
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

    /** The {@code _source} of every document in the prefix's indices, oldest event first. */
    JsonNode hits(String index) {
        refresh(index);
        return call(
                        "POST",
                        "/" + index + "-*/_search?ignore_unavailable=true&allow_no_indices=true",
                        "{\"size\":10000,\"sort\":[{\"eventTime\":\"asc\"},{\"eventId\":\"asc\"}]}")
                .path("hits")
                .path("hits");
    }
}
