package io.actiontrail.sink.opensearch;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The journal's lookup suite for the event store, against Elasticsearch 7.10.2 in the test JVM. */
final class Elasticsearch7EventStoreContractTest extends ElasticsearchEventStoreContractTest {

    @RegisterExtension
    static final Elasticsearch7Node NODE = new Elasticsearch7Node();

    @Override
    ElasticsearchNode node() {
        return NODE;
    }
}
