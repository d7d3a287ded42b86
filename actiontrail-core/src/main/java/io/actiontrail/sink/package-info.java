/**
 * The sink SPI: where trails deliver batches of audit events. Implementations stay simple; batching, retry, cursors
 * and shutdown are the pipeline's work.
 */
@NullMarked
package io.actiontrail.sink;

import org.jspecify.annotations.NullMarked;
