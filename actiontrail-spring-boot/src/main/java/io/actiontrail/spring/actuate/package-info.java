/**
 * Spring Boot Actuator: the trails' health and their meters.
 */
@NullMarked
package io.actiontrail.spring.actuate;

import org.jspecify.annotations.NullMarked;
