/**
 * The SPI of sink types in properties: a {@link io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory} per type,
 * the {@link io.actiontrail.spring.autoconfigure.sink.SinkDefinition} it creates a sink from, and the settings every
 * type shares.
 */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink;

import org.jspecify.annotations.NullMarked;
