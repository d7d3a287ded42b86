package io.actiontrail.testsupport;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server: S3Proxy in this JVM on 127.0.0.1, with an in-memory blob store and SigV4 signatures checked against
 * one access key. It can be stopped and started again on the same port with the same content, as an outage. S3Proxy
 * and the AWS SDK's S3 client are optional dependencies of this module: a test that starts the server declares them.
 * Not thread-safe.
 */
public final class S3Server implements AutoCloseable {

    /** The access key id {@link #start()} accepts. */
    public static final String ACCESS_KEY = "AKIAACTIONTRAILTEST1";

    /** The secret {@link #start()} accepts; a test can look for it in what it captures. */
    public static final String SECRET_KEY = "aTestSecret/Never+Logged/0123456789abcdef";

    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final String accessKey;
    private final String secretKey;
    private final BlobStore store;
    private @Nullable S3Proxy proxy;
    private int port;

    private S3Server(String accessKey, String secretKey) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        Properties properties = new Properties();
        properties.setProperty("jclouds.identity", accessKey);
        properties.setProperty("jclouds.credential", secretKey);
        this.store = BlobStores.create("transient", properties);
    }

    /** Starts a server on a free port that accepts {@link #ACCESS_KEY} and {@link #SECRET_KEY}. */
    public static S3Server start() throws Exception {
        return start(ACCESS_KEY, SECRET_KEY);
    }

    /** Starts a server on a free port that accepts this key. */
    public static S3Server start(String accessKey, String secretKey) throws Exception {
        S3Server server = new S3Server(
                Objects.requireNonNull(accessKey, "accessKey"), Objects.requireNonNull(secretKey, "secretKey"));
        server.startOn(0);
        return server;
    }

    private void startOn(int requestedPort) throws Exception {
        S3Proxy started = S3Proxy.builder()
                .blobStore(store)
                .awsAuthentication(AuthenticationType.AWS_V4, accessKey, secretKey)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .stopTimeout(0)
                .build();
        started.start();
        Instant deadline = Instant.now().plus(STARTUP);
        while (!"STARTED".equals(started.getState())) {
            if (Instant.now().isAfter(deadline)) {
                started.stop();
                throw new IllegalStateException("S3Proxy did not start within " + STARTUP + ": " + started.getState());
            }
            Thread.sleep(10);
        }
        proxy = started;
        port = started.getPort();
    }

    /** Stops the server; its content stays for {@link #restart()}. */
    public void stop() throws Exception {
        S3Proxy running = proxy;
        proxy = null;
        if (running != null) {
            running.stop();
        }
    }

    /** Starts the server again on the same port, with the content it had. */
    public void restart() throws Exception {
        if (proxy == null) {
            startOn(port);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Returns a client with the server's key; the caller closes it. */
    public S3Client client() {
        return client(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
    }

    /** Returns a client with the given credentials and no SDK-level retries; the caller closes it. */
    public S3Client client(AwsCredentialsProvider credentials) {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(credentials)
                // the pipeline retries; the SDK's own retries would only slow the outage tests down
                .overrideConfiguration(c ->
                        c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallAttemptTimeout(Duration.ofSeconds(5)))
                .build();
    }

    /**
     * Stops the server for good and frees its content. Jetty's threads are not daemons: a server left running would
     * keep the test JVM alive.
     */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while S3Proxy stopped", e);
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        } finally {
            store.close();
        }
    }
}
