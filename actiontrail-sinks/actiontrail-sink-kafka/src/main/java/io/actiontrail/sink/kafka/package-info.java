/**
 * Delivery of audit events to Apache Kafka: {@link io.actiontrail.sink.kafka.KafkaAuditSink} publishes each event as
 * one record of a topic through an idempotent producer with {@code acks=all}, keyed as
 * {@link io.actiontrail.sink.kafka.RecordKey} says.
 */
@NullMarked
package io.actiontrail.sink.kafka;

import org.jspecify.annotations.NullMarked;
