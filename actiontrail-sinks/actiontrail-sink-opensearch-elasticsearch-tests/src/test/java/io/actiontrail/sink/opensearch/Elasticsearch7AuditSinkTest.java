package io.actiontrail.sink.opensearch;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Field types, searches, re-delivery, conflicts and per-item retries, against Elasticsearch 7.10.2 in the test JVM. */
final class Elasticsearch7AuditSinkTest extends ElasticsearchAuditSinkTest {

    @RegisterExtension
    static final Elasticsearch7Node NODE = new Elasticsearch7Node();

    @Override
    ElasticsearchNode node() {
        return NODE;
    }
}
