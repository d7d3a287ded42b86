package io.actiontrail.spring.web;

import io.actiontrail.test.InMemoryAuditSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.FileSystemUtils;

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

    /**
     * A test application on a real server for a whole test class, its journal in a temporary directory, its sink
     * emptied before each test. Register with {@code @RegisterExtension static final WebApps.Running APP =
     * WebApps.running(SomeApp.class, "some.property=value");}.
     */
    public static Running running(Class<?> application, String... properties) {
        return new Running(application, properties);
    }

    /** See {@link #running}. Used by one test class at a time. */
    public static final class Running implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
        private final Class<?> application;
        private final String[] properties;
        private @Nullable Path journal;
        private @Nullable ConfigurableApplicationContext app;

        private Running(Class<?> application, String[] properties) {
            this.application = application;
            this.properties = properties.clone();
        }

        @Override
        public void beforeAll(ExtensionContext context) throws IOException {
            Path directory = Files.createTempDirectory("actiontrail-web-test");
            journal = directory;
            app = start(application, directory, properties);
        }

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            try {
                if (app != null) {
                    app.close();
                }
            } finally {
                if (journal != null) {
                    FileSystemUtils.deleteRecursively(journal);
                }
            }
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            sink().clear();
        }

        public InMemoryAuditSink sink() {
            return WebApps.sink(context());
        }

        /** The application's bean of that type. */
        public <T> T bean(Class<T> type) {
            return context().getBean(type);
        }

        /** {@code http://127.0.0.1:<port>}. */
        public String url() {
            return "http://127.0.0.1:" + port(context());
        }

        private ConfigurableApplicationContext context() {
            return Objects.requireNonNull(app, "the application starts before all tests of the class");
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

    /** The port a started application listens on; the same on every Spring Boot line. */
    public static int port(ConfigurableApplicationContext app) {
        return app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    static InMemoryAuditSink sink(ConfigurableApplicationContext app) {
        return app.getBean(InMemoryAuditSink.class);
    }
}
