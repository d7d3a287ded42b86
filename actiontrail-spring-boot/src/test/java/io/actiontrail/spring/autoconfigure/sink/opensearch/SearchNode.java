package io.actiontrail.spring.autoconfigure.sink.opensearch;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * A real single-node OpenSearch 2.19 cluster inside the test JVM, on 127.0.0.1 and a free port, with its files under
 * the module's {@code target/tmp}; the OpenSearch sink module's tests start theirs the same way. Not thread-safe.
 */
final class SearchNode implements AutoCloseable {

    private final OpenSearchRunner runner = new OpenSearchRunner();
    private final int port;

    private SearchNode(int port) {
        this.port = port;
    }

    static SearchNode start() throws IOException {
        int free;
        try (ServerSocket socket = new ServerSocket(0)) {
            free = socket.getLocalPort();
        }
        SearchNode node = new SearchNode(free);
        node.runner.setMaxHttpPort(free + 20);
        node.runner
                .onBuild((n, settings) -> {
                    settings.put("http.host", "127.0.0.1");
                    settings.put("transport.host", "127.0.0.1");
                    settings.put("discovery.type", "single-node");
                    settings.remove("cluster.initial_cluster_manager_nodes");
                    settings.remove("discovery.seed_hosts");
                })
                .build(OpenSearchRunner.newConfigs()
                        .clusterName("actiontrail-starter-test")
                        .numOfNode(1)
                        .baseHttpPort(free - 1)
                        .basePath(Files.createTempDirectory("opensearch").toString())
                        .disableESLogger());
        node.runner.ensureYellow();
        return node;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws IOException {
        try {
            runner.close();
        } finally {
            runner.clean();
        }
    }
}
