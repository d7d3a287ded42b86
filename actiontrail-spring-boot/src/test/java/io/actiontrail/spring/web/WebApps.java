package io.actiontrail.spring.web;

import io.actiontrail.test.InMemoryAuditSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** The test applications of the web capture on a real server: how they start, and what they share. */
public final class WebApps {

    private WebApps() {}

    /**
     * What the test applications share: the in-memory sink the tests read, and no authentication (Spring Security is
     * on the tests' classpath; these applications, like many, have none).
     */
    @Configuration(proxyBeanMethods = false)
    public static class Open {
        @Bean
        InMemoryAuditSink testSink() {
            return InMemoryAuditSink.create();
        }

        @Bean
        SecurityFilterChain openToAll(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .csrf(csrf -> csrf.disable())
                    .build();
        }
    }

    /** Starts the application on a free port of 127.0.0.1 with its journal in the directory, and these properties. */
    static ConfigurableApplicationContext start(Class<?> application, Path journal, String... properties) {
        List<String> all = new ArrayList<>(List.of(
                "server.port=0",
                "server.address=127.0.0.1",
                "actiontrail.data-dir=" + journal,
                "actiontrail.shutdown-timeout=1s"));
        all.addAll(List.of(properties));
        return new SpringApplicationBuilder(application)
                .properties(all.toArray(String[]::new))
                .run();
    }

    static int port(ConfigurableApplicationContext app) {
        return Objects.requireNonNull(((WebServerApplicationContext) app).getWebServer())
                .getPort();
    }

    static InMemoryAuditSink sink(ConfigurableApplicationContext app) {
        return app.getBean(InMemoryAuditSink.class);
    }
}
