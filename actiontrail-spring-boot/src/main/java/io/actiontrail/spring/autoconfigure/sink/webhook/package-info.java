/** TODO */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.webhook;

import org.jspecify.annotations.NullMarked;
