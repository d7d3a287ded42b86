package io.actiontrail.spring.autoconfigure.sink.opensearch;

import io.actiontrail.sink.opensearch.OpenSearchEventStore;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The shared query store: with {@code actiontrail.sinks.<name>.query-store=true} on an {@code opensearch} sink, an
 * {@link OpenSearchEventStore} over that sink's indices, built from the same {@code url}, credentials, timeouts and
 * {@code index}, becomes the application's primary {@link io.actiontrail.query.EventStore} bean: it answers for every
 * instance that delivers to the cluster. {@link io.actiontrail.ActionTrail#lookup} keeps reading the local journal.
 * This holder owns the store's connection and closes it with the context. Thread-safe.
 */
final class OpenSearchQueryStore implements AutoCloseable {

    private static final String SINKS = "actiontrail.sinks";

    private final String sinkName;
    private final OpenSearchSinkSettings.Connection connection;
    private final OpenSearchEventStore store;

    private OpenSearchQueryStore(
            String sinkName, OpenSearchSinkSettings.Connection connection, OpenSearchEventStore store) {
        this.sinkName = sinkName;
        this.connection = connection;
        this.store = store;
    }

    /**
     * Creates the store of the one sink with {@code query-store=true}.
     *
     * @throws InvalidConfigurationPropertyValueException naming the property when two sinks claim the role, when the
     *     sink is not an {@code opensearch} sink, or when one of its settings is invalid
     */
    static OpenSearchQueryStore create(Environment environment, ActionTrailProperties properties) {
        Binder binder = Binder.get(environment);
        List<String> claimed = claimants(binder);
        if (claimed.isEmpty()) {
            throw new IllegalStateException("no sink sets query-store=true; the condition should have said so");
        }
        String name = claimed.get(0);
        if (claimed.size() > 1) {
            throw new InvalidConfigurationPropertyValueException(
                    SINKS + "." + claimed.get(1) + ".query-store",
                    true,
                    "only one sink can be the query store, and " + SINKS + "." + name + " already is");
        }
        ActionTrailProperties.SinkProperties sink = properties.getSinks().get(name);
        String type = sink == null ? null : sink.getType();
        if (!OpenSearchSinkSettings.TYPE.equals(type)) {
            throw new InvalidConfigurationPropertyValueException(
                    SINKS + "." + name + ".query-store",
                    true,
                    "only an opensearch sink can be the query store; this sink's type is " + type);
        }
        String serviceName = properties.getServiceName();
        if (serviceName == null || serviceName.isBlank()) {
            serviceName = environment.getProperty("spring.application.name", "application");
        }
        SinkDefinition definition =
                SinkDefinition.of(name, OpenSearchSinkSettings.TYPE, binder, serviceName, properties.getRegion());
        OpenSearchSinkSettings settings = definition.bind(OpenSearchSinkSettings.class);
        OpenSearchSinkSettings.Connection connection = OpenSearchSinkSettings.connection(definition, settings);
        try {
            OpenSearchEventStore.Builder store = OpenSearchEventStore.builder(connection.connection());
            definition.apply("index", settings.getIndex(), store::index);
            return new OpenSearchQueryStore(name, connection, store.build());
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The names of the sinks that set {@code query-store=true}, in declaration order. */
    private static List<String> claimants(Binder binder) {
        Map<String, Claim> sinks =
                binder.bind(SINKS, Bindable.mapOf(String.class, Claim.class)).orElseGet(LinkedHashMap::new);
        List<String> claimed = new ArrayList<>();
        sinks.forEach((name, claim) -> {
            if (Boolean.TRUE.equals(claim.getQueryStore())) {
                claimed.add(name);
            }
        });
        return claimed;
    }

    /** Returns the store. */
    OpenSearchEventStore store() {
        return store;
    }

    /** Returns the name of the sink whose indices the store reads. */
    String sinkName() {
        return sinkName;
    }

    /** Closes the store's connection. Idempotent. */
    @Override
    public void close() {
        connection.close();
    }

    @Override
    public String toString() {
        return "OpenSearchQueryStore{sink=" + sinkName + ", " + store + '}';
    }

    /** Matches when some {@code actiontrail.sinks.<name>.query-store} is {@code true}. Thread-safe. */
    static final class OnQueryStore extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            List<String> claimed = claimants(Binder.get(context.getEnvironment()));
            return claimed.isEmpty()
                    ? ConditionOutcome.noMatch("no " + SINKS + ".<name>.query-store=true")
                    : ConditionOutcome.match(SINKS + "." + claimed + ".query-store=true");
        }
    }

    /** Just whether a sink claims the query store. Not thread-safe: bound once. */
    static final class Claim {

        private @Nullable Boolean queryStore;

        public @Nullable Boolean getQueryStore() {
            return queryStore;
        }

        public void setQueryStore(@Nullable Boolean queryStore) {
            this.queryStore = queryStore;
        }
    }
}
