package io.actiontrail.spring.console;

import io.actiontrail.ActionTrail;
import io.actiontrail.test.InMemoryAuditSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.util.FileSystemUtils;

/**
 * An application with the console enabled and no Spring Security (hidden from its class loader, as if the application
 * had none), so callers present the bearer token {@link #TOKEN}; on a real server for a whole test class. Register with
 * {@code @RegisterExtension static final TokenConsoleApp TOKEN_APP = new TokenConsoleApp();}.
 */
final class TokenConsoleApp implements BeforeAllCallback, AfterAllCallback {

    static final String TOKEN = "console-test-token-7f3a9c";

    private @Nullable Path journal;
    private @Nullable ConfigurableApplicationContext app;

    /** The application: auto-configuration, and the sink the tests read. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        InMemoryAuditSink testSink() {
            return InMemoryAuditSink.create();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Path directory = Files.createTempDirectory("actiontrail-token-console");
        journal = directory;
        app = new SpringApplicationBuilder(App.class)
                .resourceLoader(new DefaultResourceLoader(new FilteredClassLoader("org.springframework.security")))
                .properties(
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "actiontrail.data-dir=" + directory,
                        "actiontrail.shutdown-timeout=1s",
                        "actiontrail.console.enabled=true",
                        "actiontrail.console.token-sha256="
                                + HexFormat.of().formatHex(TokenConsoleAccess.sha256(TOKEN)))
                .run();
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

    ActionTrail actionTrail() {
        return context().getBean(ActionTrail.class);
    }

    /** {@code http://127.0.0.1:<port>}. */
    String url() {
        return "http://127.0.0.1:" + context().getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    private ConfigurableApplicationContext context() {
        return Objects.requireNonNull(app, "the application starts before all tests of the class");
    }
}
