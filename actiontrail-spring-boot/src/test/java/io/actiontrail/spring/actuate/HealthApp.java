package io.actiontrail.spring.actuate;

import io.actiontrail.spring.web.WebApps;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** An application with Actuator and one in-memory sink, whose health the tests read over HTTP. */
@SpringBootApplication
@Import(WebApps.Open.class)
public class HealthApp {}
