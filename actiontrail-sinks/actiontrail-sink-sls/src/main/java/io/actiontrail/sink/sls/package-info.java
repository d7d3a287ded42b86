/**
 * Delivery of audit events to Alibaba Cloud Log Service (SLS): {@link io.actiontrail.sink.sls.SlsAuditSink} writes
 * each event as one log through the PutLogs API, with {@link io.actiontrail.sink.sls.SlsCredentials} signing every
 * request.
 */
@NullMarked
package io.actiontrail.sink.sls;

import org.jspecify.annotations.NullMarked;
