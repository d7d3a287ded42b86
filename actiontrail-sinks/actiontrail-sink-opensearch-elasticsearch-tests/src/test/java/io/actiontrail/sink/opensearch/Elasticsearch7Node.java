package io.actiontrail.sink.opensearch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner;

/**
 * Elasticsearch 7.10.2 (OSS), the newest 7.x that runs embedded: started inside the test JVM by
 * elasticsearch-cluster-runner, one node, on 127.0.0.1, its files under the build directory.
 */
final class Elasticsearch7Node extends ElasticsearchNode {

    @Override
    String mappingConflictErrorType() {
        return "mapper_parsing_exception";
    }

    @Override
    String[] deprecatedPost() {
        // types in bulk requests: deprecated in 7, removed in 8
        return new String[] {"/_bulk", "{\"create\":{\"_index\":\"deprecated-types\",\"_type\":\"_doc\"}}\n{}\n"};
    }

    @Override
    String expectedVersion() {
        return "7.10.2";
    }

    @Override
    protected Server start() throws IOException {
        int port = freePort();
        Path base = Files.createTempDirectory("elasticsearch7");
        // the runner keeps a configuration that is already there: the node logs through this one
        Path config = Files.createDirectories(base.resolve("node_1").resolve("config"));
        try (InputStream log4j = Elasticsearch7Node.class.getResourceAsStream("/elasticsearch7/log4j2.properties")) {
            Files.copy(
                    Objects.requireNonNull(log4j, "elasticsearch7/log4j2.properties"),
                    config.resolve("log4j2.properties"));
        }
        ElasticsearchClusterRunner runner = new ElasticsearchClusterRunner();
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
