package io.actiontrail.sink.opensearch;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink contract, against Elasticsearch 8 in a process of its own. */
final class Elasticsearch8AuditSinkContractTest extends ElasticsearchAuditSinkContractTest {

    @RegisterExtension
    static final Elasticsearch8Node NODE = new Elasticsearch8Node();

    @Override
    ElasticsearchNode node() {
        return NODE;
    }
}
