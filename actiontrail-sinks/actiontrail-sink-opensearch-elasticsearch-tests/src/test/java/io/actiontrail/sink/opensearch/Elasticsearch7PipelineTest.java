package io.actiontrail.sink.opensearch;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink in a real pipeline, against Elasticsearch 7.10.2 in the test JVM. */
final class Elasticsearch7PipelineTest extends ElasticsearchPipelineTest {

    @RegisterExtension
    static final Elasticsearch7Node NODE = new Elasticsearch7Node();

    @Override
    ElasticsearchNode node() {
        return NODE;
    }
}
