package io.actiontrail.sink.opensearch;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The journal's lookup suite for the event store, against Elasticsearch 8 in a process of its own. */
final class Elasticsearch8EventStoreContractTest extends ElasticsearchEventStoreContractTest {

    @RegisterExtension
    static final Elasticsearch8Node NODE = new Elasticsearch8Node();

    @Override
    ElasticsearchNode node() {
        return NODE;
    }
}
