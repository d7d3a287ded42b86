package io.actiontrail.sink.opensearch;

import static org.awaitility.Awaitility.await;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Elasticsearch 8, as a separate process: Elasticsearch 8 is not built to run embedded, so the test runs the
 * distribution Elastic publishes to Maven Central for integration tests ({@code
 * org.elasticsearch.distribution.integ-test-zip:elasticsearch}, unpacked by the build into {@code target/}; the
 * server, the HTTP transport and the security module, here switched off), on the JDK that runs the tests. One node on
 * 127.0.0.1, with its data, logs and temporary files under the build directory. A variant may add settings and
 * prepare a configuration directory of its own ({@link Elasticsearch8SecuredNode}); the node can also be killed and
 * started again on the same port and data ({@link #kill()}, {@link #startAgain()}).
 *
 * <p>Elasticsearch refuses to run as root. When the tests run as root (as in a container), the node runs as the user
 * {@code nobody} through {@code setpriv}, keeping only the capability to read and write the build directory's files
 * whatever their owner; when the directories above the build directory are not searchable by other users, the node
 * runs from a copy of the distribution in {@code /tmp}, deleted with the node.
 */
class Elasticsearch8Node extends ElasticsearchNode {

    /** The version the build unpacks; the pom's {@code elasticsearch8.version}. */
    static final String VERSION = System.getProperty("elasticsearch8.version", "");

    /** The user and group {@code nobody}. */
    private static final int NOBODY = 65534;

    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final Duration SHUTDOWN = Duration.ofMinutes(1);

    @Override
    String mappingConflictErrorType() {
        return "document_parsing_exception";
    }

    @Override
    String[] deprecatedPost() {
        // searches that ignore throttled (frozen) indices: deprecated in 8
        return new String[] {"/_search?ignore_throttled=true", "{}"};
    }

    @Override
    String expectedVersion() {
        return VERSION;
    }

    /**
     * The settings by which a variant of the node differs, added to the common ones (names, addresses, ports, paths):
     * here, security switched off.
     */
    Map<String, String> variantSettings() {
        return Map.of("xpack.security.enabled", "false");
    }

    /**
     * Whether the node gets a copy of the distribution's configuration directory of its own ({@code ES_PATH_CONF}),
     * which {@link #configure} may change; by default not, and the node reads the distribution's.
     */
    boolean ownConfiguration() {
        return false;
    }

    /**
     * Prepares the node's own configuration directory before the node first starts, with the distribution's tools;
     * called only when {@link #ownConfiguration()} holds. Does nothing by default.
     */
    void configure(Tools tools) throws IOException {}

    /** Runs the distribution's command-line tools for {@link #configure}. */
    interface Tools {
        /**
         * Runs {@code bin/<tool>} with the arguments, as the node's user, on the node's JDK and configuration
         * directory, and waits for it.
         *
         * @throws IllegalStateException if the tool does not exit with 0; the message holds its output, not its
         *     arguments
         */
        void run(String tool, String... args) throws IOException;
    }

    /**
     * Kills the node's processes at once, as a crash would, and waits until they are gone; the node's files stay.
     * {@link #startAgain()} starts it again.
     */
    void kill() throws IOException {
        running().kill();
    }

    /**
     * Starts the node again after {@link #kill()}: on the same ports, with the same data directory and configuration,
     * and waits until it answers with a yellow or green cluster.
     */
    void startAgain() throws IOException {
        running().startAgain();
    }

    private Running running() {
        return (Running) server();
    }

    @Override
    protected Server start() throws IOException {
        String homeProperty = System.getProperty("elasticsearch8.home");
        if (homeProperty == null || VERSION.isEmpty()) {
            throw new IllegalStateException("elasticsearch8.home and elasticsearch8.version are set by the build:"
                    + " run the tests through Maven");
        }
        Path home = Path.of(homeProperty);
        boolean root = new UnixSystem().getUid() == 0;
        Path parent = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        boolean copyHome = false;
        if (root && !searchableByOthers(parent)) {
            // the node checks its directories with access(2), which ignores the capability it keeps (see below): it
            // must reach them as any user could. The build directory is out of its reach (a checkout under /root,
            // say), so the node gets a copy of the distribution in the system's temporary directory instead.
            parent = Path.of("/tmp");
            if (!searchableByOthers(parent)) {
                throw new IllegalStateException("Elasticsearch 8 runs as nobody and must reach its files, but neither"
                        + " the build directory nor /tmp is searchable by other users (chmod o+x)");
            }
            copyHome = true;
        }
        Path base = Files.createTempDirectory(parent, "elasticsearch8");
        if (copyHome) {
            home = copyTree(home, base.resolve("home"));
        }
        Path data = Files.createDirectories(base.resolve("data"));
        Path logs = Files.createDirectories(base.resolve("logs"));
        Path tmp = Files.createDirectories(base.resolve("tmp"));
        Path config = ownConfiguration() ? copyTree(home.resolve("config"), base.resolve("config")) : null;
        Path console = base.resolve("console.log");
        Path wrapper = base.resolve("run.sh");
        try (InputStream script = Elasticsearch8Node.class.getResourceAsStream("/elasticsearch8/run.sh")) {
            Files.copy(Objects.requireNonNull(script, "elasticsearch8/run.sh"), wrapper);
        }
        int httpPort = freePort();
        int transportPort = freePort();

        List<String> asNodeUser = new ArrayList<>();
        if (root) {
            // owned by the node (see above)
            for (Path dir : List.of(base, data, logs, tmp)) {
                Files.setAttribute(dir, "unix:uid", NOBODY);
                Files.setAttribute(dir, "unix:gid", NOBODY);
            }
            if (config != null) {
                try (Stream<Path> files = Files.walk(config)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        Files.setAttribute(file, "unix:uid", NOBODY);
                        Files.setAttribute(file, "unix:gid", NOBODY);
                    }
                }
            }
            asNodeUser.addAll(List.of(
                    "setpriv",
                    "--reuid=" + NOBODY,
                    "--regid=" + NOBODY,
                    "--clear-groups",
                    "--inh-caps=+dac_override",
                    "--ambient-caps=+dac_override"));
        }
        List<String> command = new ArrayList<>(asNodeUser);
        command.addAll(List.of(
                "bash",
                wrapper.toString(),
                home.resolve("bin").resolve("elasticsearch").toString()));
        Map<String, String> settings = new TreeMap<>(Map.of(
                "cluster.name", "actiontrail-test",
                "node.name", "node-1",
                "discovery.type", "single-node",
                "http.host", "127.0.0.1",
                "transport.host", "127.0.0.1",
                "http.port", Integer.toString(httpPort),
                "transport.port", Integer.toString(transportPort),
                "path.data", data.toString(),
                "path.logs", logs.toString()));
        settings.putAll(variantSettings());
        settings.forEach((key, value) -> command.addAll(List.of("-E", key + "=" + value)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
        Map<String, String> env = builder.environment();
        env.put("ES_JAVA_HOME", System.getProperty("java.home"));
        env.put("ES_JAVA_OPTS", "-Xms256m -Xmx256m");
        env.put("ES_TMPDIR", tmp.toString());
        if (config != null) {
            env.put("ES_PATH_CONF", config.toString());
        }
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JAVA_HOME");
        Running running = new Running(builder, httpPort, base, console, adminAuthorization());
        try {
            if (config != null) {
                Path bin = home.resolve("bin");
                configure((tool, args) -> runTool(builder, asNodeUser, bin.resolve(tool), base, args));
            }
            running.launch();
        } catch (IOException | RuntimeException e) {
            running.close();
            throw e;
        }
        return running;
    }

    /** Runs a tool of the distribution with the node's user, environment and directory; fails unless it exits 0. */
    private static void runTool(ProcessBuilder node, List<String> asNodeUser, Path tool, Path base, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(asNodeUser);
        command.addAll(List.of("bash", tool.toString()));
        command.addAll(List.of(args));
        Path output = base.resolve(tool.getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(node.directory())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().clear();
        builder.environment().putAll(node.environment());
        Process process = builder.start();
        process.getOutputStream().close(); // nothing to answer: the arguments say it all
        try {
            if (!process.waitFor(STARTUP.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(tool.getFileName() + " did not finish within " + STARTUP);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + tool.getFileName() + " runs", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(tool.getFileName() + " exited with " + process.exitValue() + ":\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
    }

    /** Whether every directory from the root down to {@code dir} lets other users through. */
    private static boolean searchableByOthers(Path dir) throws IOException {
        for (Path d = dir; d != null; d = d.getParent()) {
            if (!Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    /**
     * The running node: the wrapper script's process, which stops the node when its standard input closes. Started,
     * killed and started again by one thread at a time.
     */
    private static final class Running implements Server {
        private final ProcessBuilder builder;
        private final int port;
        private final Path base;
        private final Path console;
        private final @Nullable String authorization;
        private volatile @Nullable Process process;

        Running(ProcessBuilder builder, int port, Path base, Path console, @Nullable String authorization) {
            this.builder = builder;
            this.port = port;
            this.base = base;
            this.console = console;
            this.authorization = authorization;
        }

        @Override
        public int port() {
            return port;
        }

        /** Starts the node's process and waits until the cluster is yellow. */
        void launch() throws IOException {
            Process started = builder.start();
            process = started;
            awaitYellow(started);
        }

        void startAgain() throws IOException {
            Process previous = process;
            if (previous != null && previous.isAlive()) {
                throw new IllegalStateException("Elasticsearch " + VERSION + " is running: kill() it first");
            }
            launch();
        }

        void kill() throws IOException {
            Process running = process;
            if (running == null) {
                return;
            }
            List<ProcessHandle> handles = new ArrayList<>(running.descendants().toList());
            handles.add(running.toHandle());
            handles.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle handle : handles) {
                try {
                    handle.onExit().get(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while Elasticsearch is killed", e);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IOException(
                            "Elasticsearch " + VERSION + " process " + handle.pid() + " did not end within " + SHUTDOWN
                                    + " of being killed",
                            e);
                }
            }
        }

        private void awaitYellow(Process process) throws IOException {
            OkHttpClient client = new OkHttpClient.Builder()
                    .callTimeout(Duration.ofSeconds(5))
                    .build();
            Request.Builder health = new Request.Builder()
                    .url("http://127.0.0.1:" + port + "/_cluster/health?wait_for_status=yellow&timeout=1s");
            if (authorization != null) {
                health.header("Authorization", authorization);
            }
            try {
                await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Elasticsearch " + VERSION + " exited with "
                                + process.exitValue() + " while starting:\n" + tail());
                    }
                    try (Response response = client.newCall(health.build()).execute()) {
                        return response.code() == 200;
                    } catch (IOException notYet) {
                        return false; // not listening yet
                    }
                });
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException(
                        "Elasticsearch " + VERSION + " did not start within " + STARTUP + ":\n" + tail(), e);
            } finally {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
        }

        private String tail() throws IOException {
            List<String> lines = Files.readAllLines(console, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }

        @Override
        public void close() throws IOException {
            Process process = this.process;
            try {
                if (process != null) { // null: the node's configuration failed before it started
                    process.getOutputStream().close(); // the wrapper stops the node
                    if (!process.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.descendants().forEach(ProcessHandle::destroyForcibly);
                        process.destroyForcibly();
                        process.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                delete(base);
            }
        }

        private static void delete(Path dir) throws IOException {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
