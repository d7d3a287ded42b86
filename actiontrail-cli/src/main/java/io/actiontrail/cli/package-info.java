/**
 * The standalone command, {@code java -jar actiontrail.jar}: {@code lookup}, {@code export}, {@code tail} and
 * {@code console} over a journal directory that {@link io.actiontrail.ActionTrail#openReadOnly(java.nio.file.Path)}
 * opens read-only. {@link io.actiontrail.cli.Main} is the only public type.
 */
@NullMarked
package io.actiontrail.cli;

import org.jspecify.annotations.NullMarked;
