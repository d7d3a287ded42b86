/**
 * The {@code kafka} sink type: an Apache Kafka topic.
 */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.kafka;

import org.jspecify.annotations.NullMarked;
