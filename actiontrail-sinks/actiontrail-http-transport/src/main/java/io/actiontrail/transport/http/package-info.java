/**
 * What the HTTP sinks share: {@link io.actiontrail.transport.http.HttpTransport}, an OkHttp client owned or borrowed
 * with its timeouts and clock, the status classes, and one {@code Retry-After} parser. Sinks stay simple: they build
 * requests and read answers; this module decides what a status means for delivery.
 */
@NullMarked
package io.actiontrail.transport.http;

import org.jspecify.annotations.NullMarked;
