package io.actiontrail.sink.opensearch;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink in a real pipeline, against Elasticsearch 8 in a process of its own. */
final class Elasticsearch8PipelineTest extends ElasticsearchPipelineTest {

    @RegisterExtension
    static final Elasticsearch8Node NODE = new Elasticsearch8Node();

    @Override
    ElasticsearchNode node() {
        return NODE;
    }
}
