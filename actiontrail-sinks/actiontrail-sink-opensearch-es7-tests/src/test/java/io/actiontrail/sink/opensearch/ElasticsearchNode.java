package io.actiontrail.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Elasticsearch 7.10.2 node in the test JVM, shared by every test class of the module and stopped when the
 * test run ends (JUnit closes it with the root store). Register it with {@code @RegisterExtension static final
 * ElasticsearchNode NODE = new ElasticsearchNode();}. Also a small admin client for the tests. Thread-safe.
 */
final class ElasticsearchNode implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ElasticsearchNode.class);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final MediaType JSON = MediaType.get("application/json");

    private volatile @Nullable Running running;

    /** The started node; closed by JUnit at the end of the run. */
    static final class Running implements AutoCloseable {
        final ElasticsearchClusterRunner runner;
        final int port;
        final OkHttpClient admin = new OkHttpClient();

        Running() throws IOException {
            int free;
            try (ServerSocket socket = new ServerSocket(0)) {
                free = socket.getLocalPort();
            }
            port = free;
            Path base = Files.createTempDirectory("elasticsearch");
            // the runner keeps a configuration that is already there: the node logs through this one
            Path config = Files.createDirectories(base.resolve("node_1").resolve("config"));
            try (InputStream log4j = ElasticsearchNode.class.getResourceAsStream("/elasticsearch/log4j2.properties")) {
                Files.copy(
                        Objects.requireNonNull(log4j, "elasticsearch/log4j2.properties"),
                        config.resolve("log4j2.properties"));
            }
            runner = new ElasticsearchClusterRunner();
            runner.setMaxHttpPort(port + 20);
            runner.onBuild((n, s) -> {
                        s.put("http.host", "127.0.0.1");
                        s.put("transport.host", "127.0.0.1");
                        s.put("discovery.type", "single-node");
                        s.put("action.auto_create_index", "true");
                        s.remove("cluster.initial_master_nodes");
                        s.remove("discovery.seed_hosts");
                    })
                    .build(ElasticsearchClusterRunner.newConfigs()
                            .clusterName("actiontrail-test")
                            .numOfNode(1)
                            .baseHttpPort(port - 1)
                            .basePath(base.toString()));
            runner.ensureYellow();
        }

        @Override
        public void close() throws IOException {
            admin.dispatcher().executorService().shutdown();
            admin.connectionPool().evictAll();
            try {
                runner.close();
            } finally {
                runner.clean();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running = context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(
                        Running.class,
                        k -> {
                            try {
                                return new Running();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        Running.class);
    }

    private Running running() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("the node starts before all tests of a class");
        }
        return r;
    }

    String url() {
        return "http://127.0.0.1:" + running().port;
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
        Request request = new Request.Builder()
                .url(url() + path)
                .method(method, requestBody)
                .build();
        try (Response response = running().admin.newCall(request).execute()) {
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

    void refresh(String index) {
        call("POST", "/" + index + "-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
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
