/**
 * Delivery of audit events to S3-compatible object storage (AWS S3, Alibaba Cloud OSS, MinIO): {@link
 * io.actiontrail.sink.s3.S3AuditSink} writes each batch as gzip-compressed JSON lines under a time-partitioned key,
 * {@link io.actiontrail.sink.s3.S3EventReader} reads a time range back, and {@link io.actiontrail.sink.s3.S3Connection}
 * builds a client configured for the server at hand.
 */
@NullMarked
package io.actiontrail.sink.s3;

import org.jspecify.annotations.NullMarked;
