package io.actiontrail.sink.opensearch;

import io.actiontrail.testsupport.SearchNode;

/**
 * One real Elasticsearch node of a given major version, shared by every test class of the module that registers the
 * same kind of node, and stopped when the test run ends. Register a subclass with
 * {@code @RegisterExtension static final Elasticsearch7Node NODE = new Elasticsearch7Node();}. What a version changes
 * for the tests is said by the subclass; the lifecycle and the administrator's client are {@link SearchNode}'s.
 */
abstract class ElasticsearchNode extends SearchNode {

    /** The version the node must report, such as {@code 7.10.2}. */
    abstract String expectedVersion();

    /**
     * The error type the node gives a document whose value does not fit the field's mapping: the sink reports it as
     * the error code. Elasticsearch 8 renamed it.
     */
    abstract String mappingConflictErrorType();

    /**
     * The path and JSON body of a {@code POST} that this node answers with a deprecation warning, to show that its
     * warnings reach the {@code Warning} header.
     */
    abstract String[] deprecatedPost();
}
