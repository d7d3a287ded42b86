package io.actiontrail.sink.s3;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
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
 * A real S3 server for the tests: S3Proxy in this JVM on 127.0.0.1, with an in-memory blob store and SigV4
 * signatures checked against {@link #ACCESS_KEY}/{@link #SECRET_KEY}. It can be stopped and started again on the same
 * port with the same content, as an outage. Not thread-safe.
 */
final class S3Server {

    static final String ACCESS_KEY = "AKIAACTIONTRAILTEST1";
    static final String SECRET_KEY = "aTestSecret/Never+Logged/0123456789abcdef";

    private final BlobStore store;
    private @Nullable S3Proxy proxy;
    private int port;

    private S3Server() {
        Properties properties = new Properties();
        properties.setProperty("jclouds.identity", ACCESS_KEY);
        properties.setProperty("jclouds.credential", SECRET_KEY);
        this.store = BlobStores.create("transient", properties);
    }

    /** Starts a server on an ephemeral port. */
    static S3Server start() throws Exception {
        S3Server server = new S3Server();
        server.startOn(0);
        return server;
    }

    private void startOn(int requestedPort) throws Exception {
        S3Proxy started = S3Proxy.builder()
                .blobStore(store)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .stopTimeout(0)
                .build();
        started.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> "STARTED".equals(started.getState()));
        proxy = started;
        port = started.getPort();
    }

    /** Stops the server; its content stays for {@link #restart()}. */
    void stop() throws Exception {
        S3Proxy running = proxy;
        proxy = null;
        if (running != null) {
            running.stop();
        }
    }

    /** Starts the server again on the same port, with the content it had. */
    void restart() throws Exception {
        if (proxy == null) {
            startOn(port);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    /** Returns a connection to this server with the right credentials. */
    S3Connection.Builder connection() {
        return S3Connection.builder()
                .endpoint(endpoint())
                .region("us-east-1")
                .pathStyle(true)
                .credentials(ACCESS_KEY, SECRET_KEY);
    }

    /** Returns a client with the right credentials; the caller closes it. */
    S3Client client() {
        return client(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    }

    /** Returns a client with the given credentials and no SDK-level retries; the caller closes it. */
    S3Client client(AwsCredentialsProvider credentials) {
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

    /** Stops the server for good and frees its content. */
    void close() throws Exception {
        try {
            stop();
        } finally {
            store.close();
        }
    }
}
