/**
 * Delivery of audit events to an HTTP endpoint: {@link io.actiontrail.sink.webhook.WebhookAuditSink} POSTs each batch
 * as a JSON array signed with HMAC-SHA256, and {@link io.actiontrail.sink.webhook.WebhookVerifier} checks that
 * signature on the receiving side.
 */
@NullMarked
package io.actiontrail.sink.webhook;

import org.jspecify.annotations.NullMarked;
