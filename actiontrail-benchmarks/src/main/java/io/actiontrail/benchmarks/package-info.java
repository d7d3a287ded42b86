/**
 * JMH benchmarks of ActionTrail side by side with what users would use instead: Logback and Log4j2 JSON logging to a
 * file, and Spring Boot's in-memory audit repository. Run through {@link io.actiontrail.benchmarks.BenchmarkMain};
 * see {@code docs/benchmarks.md}.
 *
 * <p>Benchmark and {@code @State} classes are public and not final because JMH's generated code subclasses them;
 * the other classes are final.
 */
@NullMarked
package io.actiontrail.benchmarks;

import org.jspecify.annotations.NullMarked;
