package io.actiontrail.cli;

import io.actiontrail.query.EventStore;
import io.actiontrail.query.ReadOnlyJournal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The ActionTrail API (and the web console, when the starter ships it) over a journal opened read-only: a Spring Boot
 * application of the starter's auto-configuration alone, whose {@code actionTrailJournalEventStore} bean — what the API
 * reads — is the read-only journal. Its own {@code ActionTrail} keeps events in memory and logs them through SLF4J, so
 * the audit of each call (LookupEvents, GetEvent, ...) goes to the log, never into the journal read. Access takes a
 * bearer token made at start; only its SHA-256 is configured. Properties come from this class alone (command-line
 * precedence, no configuration files), so that an application.properties in the working directory does not change
 * what is served. Thread-safe; closed once.
 */
final class ConsoleServer implements AutoCloseable {

    /** The application: auto-configuration only, no component scan. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {}

    private final ConfigurableApplicationContext context;
    private final String token;
    private final int port;

    private ConsoleServer(ConfigurableApplicationContext context, String token) {
        this.context = context;
        this.token = token;
        this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "-1"));
    }

    /** Starts the server on {@code bind}:{@code port} (0: any free port) over {@code journal}. */
    static ConsoleServer start(ReadOnlyJournal journal, String bind, int port) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        List<String> properties = new ArrayList<>(List.of(
                // no application.properties or config/ of the working directory
                "--spring.config.location=optional:classpath:/io/actiontrail/cli/none/",
                "--spring.main.banner-mode=off",
                "--server.address=" + bind,
                "--server.port=" + port,
                "--actiontrail.service-name=actiontrail-cli",
                "--actiontrail.durability=memory",
                "--actiontrail.insights.enabled=false", // the CLI reads a journal; it detects nothing itself
                "--actiontrail.sinks.log.type=slf4j",
                "--actiontrail.trails.console.sinks=log",
                "--actiontrail.capture.controllers=false",
                "--actiontrail.console.enabled=true",
                "--actiontrail.console.token-sha256=" + sha256(token)));
        SpringApplication application = new SpringApplication(Application.class);
        application.addInitializers(context -> ((GenericApplicationContext) context)
                .registerBean("actionTrailJournalEventStore", EventStore.class, () -> journal));
        return new ConsoleServer(application.run(properties.toArray(String[]::new)), token);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The bearer token, made at start; shown once. */
    String token() {
        return token;
    }

    int port() {
        return port;
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    boolean running() {
        return context.isActive();
    }

    @Override
    public void close() {
        context.close();
    }
}
