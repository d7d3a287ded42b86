/**
 * OpenSearch and Elasticsearch as a destination and as a shared query store: {@link
 * io.actiontrail.sink.opensearch.OpenSearchAuditSink} indexes events through the {@code _bulk} API, {@link
 * io.actiontrail.sink.opensearch.OpenSearchEventStore} looks them up with the same contract as the local journal, and
 * {@link io.actiontrail.sink.opensearch.OpenSearchConnection} holds the endpoint, credentials and HTTP client both use.
 */
@NullMarked
package io.actiontrail.sink.opensearch;

import org.jspecify.annotations.NullMarked;
