package io.actiontrail.sink.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft cluster (broker and controller in one node) inside the test JVM, started with Kafka's own
 * test kit; topics are never created on first use, so each test creates its own. With SASL, the broker listener takes
 * SASL/PLAIN with the test kit's two users and its standard authorizer: {@link #ADMIN} may do everything,
 * {@link #USER} has no ACL at all.
 */
final class KafkaBroker implements AutoCloseable {

    /** The super user of a SASL cluster and its password. */
    static final String ADMIN = "plain-admin";

    static final String ADMIN_PASSWORD = "plain-admin-secret";

    /** A user of a SASL cluster that authenticates but is granted nothing, and its password. */
    static final String USER = "plain-user1";

    static final String USER_PASSWORD = "plain-user1-secret";

    private final KafkaClusterTestKit cluster;
    private final boolean sasl;
    private boolean closed;

    private KafkaBroker(KafkaClusterTestKit cluster, boolean sasl) {
        this.cluster = cluster;
        this.sasl = sasl;
    }

    /** Starts a cluster with a plaintext listener. */
    static KafkaBroker start() throws Exception {
        return start(false);
    }

    /** Starts a cluster whose broker listener takes SASL/PLAIN and authorizes with ACLs. */
    static KafkaBroker startWithSasl() throws Exception {
        return start(true);
    }

    private static KafkaBroker start(boolean sasl) throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1);
        if (sasl) {
            nodes.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
        }
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
        if (sasl) {
            // the controller listener stays PLAINTEXT, where the node registers itself as ANONYMOUS; the clients'
            // listener takes SASL only, so no client is ANONYMOUS
            builder.setConfigProp("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
        }
        KafkaClusterTestKit cluster = builder.setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            new KafkaBroker(cluster, sasl).close();
            throw e;
        }
        return new KafkaBroker(cluster, sasl);
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The properties a client of this cluster needs besides the bootstrap servers: SASL as the admin, if any. */
    Map<String, String> adminClientProperties() {
        Map<String, String> properties = new HashMap<>();
        if (sasl) {
            properties.putAll(saslProperties(ADMIN, ADMIN_PASSWORD));
        }
        return properties;
    }

    /** The SASL/PLAIN client properties of a user. */
    static Map<String, String> saslProperties(String user, String password) {
        return Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
    }

    private Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(adminClientProperties());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** Creates a topic with one replica and the given topic configuration. */
    void createTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(clientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Creates a topic with one partition. */
    void createTopic(String topic) throws Exception {
        createTopic(topic, 1, Map.of());
    }

    /**
     * Reads every record of the topic from the beginning up to its end offsets now, partition by partition in
     * partition order, each in offset order.
     */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> config = clientConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            partitions.sort(Comparator.comparingInt(TopicPartition::partition));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> read = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " up to " + end);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read.computeIfAbsent(new TopicPartition(topic, record.partition()), p -> new ArrayList<>())
                            .add(record);
                }
            }
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                all.addAll(read.getOrDefault(partition, List.of()));
            }
            return all;
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey(), Duration.ofSeconds(10)) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    /** Stops the broker (the controller keeps running); clients then find nobody at the bootstrap address. */
    void stopBroker() {
        BrokerServer broker = broker();
        broker.shutdown();
        broker.awaitShutdown();
    }

    /** Starts the stopped broker again, on the same port and with the same logs, and waits until it is ready. */
    void restartBroker() throws Exception {
        broker().startup();
        cluster.waitForReadyBrokers();
    }

    @Override
    public void close() {
        // the test kit refuses a second close
        if (closed) {
            return;
        }
        closed = true;
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the test cluster", e);
        } catch (Exception e) {
            throw new IllegalStateException("the test cluster did not close cleanly", e);
        }
    }
}
