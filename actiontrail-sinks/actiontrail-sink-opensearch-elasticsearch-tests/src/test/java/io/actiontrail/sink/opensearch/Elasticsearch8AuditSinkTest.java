package io.actiontrail.sink.opensearch;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Field types, searches, re-delivery, conflicts and per-item retries, against Elasticsearch 8 in a process of its own. */
final class Elasticsearch8AuditSinkTest extends ElasticsearchAuditSinkTest {

    @RegisterExtension
    static final Elasticsearch8Node NODE = new Elasticsearch8Node();

    @Override
    ElasticsearchNode node() {
        return NODE;
    }
}
