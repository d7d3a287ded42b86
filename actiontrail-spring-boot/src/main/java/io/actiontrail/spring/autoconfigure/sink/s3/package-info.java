/**
 * The {@code s3} sink type: S3-compatible object storage.
 */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.s3;

import org.jspecify.annotations.NullMarked;
