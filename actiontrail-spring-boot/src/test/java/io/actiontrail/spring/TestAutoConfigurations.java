package io.actiontrail.spring;

import io.actiontrail.spring.actuate.ActionTrailMetricsAutoConfiguration;
import io.actiontrail.spring.aop.ActionTrailAopAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.ActionTrailSinksAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.opensearch.OpenSearchQueryStoreAutoConfiguration;
import io.actiontrail.spring.security.ActionTrailSecurityAutoConfiguration;
import io.actiontrail.spring.web.ActionTrailWebMvcAutoConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.util.ClassUtils;

/** The auto-configurations a context without web, security or actuator gets: ActionTrail, its sink types and AOP. */
public final class TestAutoConfigurations {

    /** ActionTrail, every sink type and the {@code @Audited} advisor. */
    public static final AutoConfigurations BASE = AutoConfigurations.of(
            ActionTrailAutoConfiguration.class,
            ActionTrailSinksAutoConfiguration.class,
            OpenSearchQueryStoreAutoConfiguration.class,
            ActionTrailAopAutoConfiguration.class);

    /**
     * The health auto-configurations are named, not referenced: each names types of one Spring Boot line only, and the
     * tests run on every line (actiontrail-spring-boot-lines). Each is taken when its line's health type is present, as
     * an application's auto-configuration would be.
     */
    private static final Map<String, String> HEALTH = Map.of(
            "io.actiontrail.spring.actuate.ActionTrailHealthAutoConfiguration",
            "org.springframework.boot.health.contributor.HealthIndicator",
            "io.actiontrail.spring.boot3.ActionTrailBoot3HealthAutoConfiguration",
            "org.springframework.boot.actuate.health.HealthIndicator");

    /** {@link #BASE} with security, web, health and metrics. */
    public static final AutoConfigurations ALL = AutoConfigurations.of(all());

    private static Class<?>[] all() {
        List<Class<?>> all = new ArrayList<>(List.of(
                ActionTrailAutoConfiguration.class,
                ActionTrailSinksAutoConfiguration.class,
                OpenSearchQueryStoreAutoConfiguration.class,
                ActionTrailAopAutoConfiguration.class,
                ActionTrailSecurityAutoConfiguration.class,
                ActionTrailWebMvcAutoConfiguration.class,
                ActionTrailMetricsAutoConfiguration.class));
        ClassLoader loader = TestAutoConfigurations.class.getClassLoader();
        HEALTH.forEach((configuration, healthType) -> {
            if (ClassUtils.isPresent(configuration, loader) && ClassUtils.isPresent(healthType, loader)) {
                all.add(ClassUtils.resolveClassName(configuration, loader));
            }
        });
        return all.toArray(Class<?>[]::new);
    }

    private TestAutoConfigurations() {}
}
