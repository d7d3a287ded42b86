package io.actiontrail.sink.kafka;

/**
 * What a Kafka record's key is made of, and so which events share a partition: Kafka keeps order only within a
 * partition, and records with the same key always land in the same one.
 *
 * <p>Immutable and thread-safe.
 */
public enum RecordKey {

    /**
     * The event's id (the default): events spread evenly over the partitions, and a record delivered twice carries the
     * same key, so a compacted topic keeps one copy.
     */
    EVENT_ID,

    /**
     * The event's resource as {@code Type/name}, for example {@code Order/o-1001}, a missing part left empty: every
     * event of one resource goes to the same partition, in journal order. An event without resource type and name is
     * keyed by its id.
     */
    RESOURCE
}
