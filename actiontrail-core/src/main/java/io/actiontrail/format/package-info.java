/**
 * Event formats: how a sink turns an audit event into bytes. {@link io.actiontrail.format.EventFormats} holds the
 * built-in ones, this project's own JSON line (the default), OCSF API Activity, CloudEvents 1.0 (structured and
 * binary mode) and the CloudTrail record shape; {@link io.actiontrail.format.EventFormat} is the SPI for others.
 */
@NullMarked
package io.actiontrail.format;

import org.jspecify.annotations.NullMarked;
