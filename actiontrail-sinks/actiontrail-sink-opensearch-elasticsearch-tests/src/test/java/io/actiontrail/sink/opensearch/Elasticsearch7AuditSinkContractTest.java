package io.actiontrail.sink.opensearch;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink contract, against Elasticsearch 7.10.2 in the test JVM. */
final class Elasticsearch7AuditSinkContractTest extends ElasticsearchAuditSinkContractTest {

    @RegisterExtension
    static final Elasticsearch7Node NODE = new Elasticsearch7Node();

    @Override
    ElasticsearchNode node() {
        return NODE;
    }
}
