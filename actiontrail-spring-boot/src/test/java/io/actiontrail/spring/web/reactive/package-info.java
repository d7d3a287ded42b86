/** A WebFlux test application: annotated controllers, functional routes, reactive security, a reactive service. */
@NullMarked
package io.actiontrail.spring.web.reactive;

import org.jspecify.annotations.NullMarked;
