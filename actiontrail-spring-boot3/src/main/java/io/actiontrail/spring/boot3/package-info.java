/**
 * Spring Boot 3.5 support: what Boot 3.5 keeps where Boot 4 moved it, adapted from the main module's line-independent
 * parts. Every class here is conditional on a type only Boot 3.5 has, so on Boot 4 nothing here runs.
 */
@NullMarked
package io.actiontrail.spring.boot3;

import org.jspecify.annotations.NullMarked;
