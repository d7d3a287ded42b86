/** A web application that archives its audit trail to S3, configured by properties only. */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.s3.archive;

import org.jspecify.annotations.NullMarked;
