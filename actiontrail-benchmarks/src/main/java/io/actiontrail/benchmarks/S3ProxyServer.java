package io.actiontrail.benchmarks;

import java.net.URI;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server in this JVM: S3Proxy on 127.0.0.1 with an in-memory ("transient") blob store, checking SigV4
 * signatures against its own credentials, and an AWS SDK client with the SDK's default settings pointed at it.
 *
 * <p>Not thread-safe: started and closed by one thread; the client it hands out is thread-safe.
 */
final class S3ProxyServer implements AutoCloseable {

    private static final String ACCESS_KEY = "AKIABENCHMARKS000001";
    private static final String SECRET_KEY = "benchmark/only+not-a-real-secret/000000";

    private final BlobStore store;
    private final S3Proxy proxy;
    private final S3Client client;

    private S3ProxyServer(BlobStore store, S3Proxy proxy, S3Client client) {
        this.store = store;
        this.proxy = proxy;
        this.client = client;
    }

    /** Starts a server on an ephemeral port and creates {@code bucket} in it. */
    static S3ProxyServer start(String bucket) {
        Properties properties = new Properties();
        properties.setProperty("jclouds.identity", ACCESS_KEY);
        properties.setProperty("jclouds.credential", SECRET_KEY);
        BlobStore store = BlobStores.create("transient", properties);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within 10 s: " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            stopQuietly(proxy);
            store.close();
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        S3Client client = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        client.createBucket(b -> b.bucket(bucket));
        return new S3ProxyServer(store, proxy, client);
    }

    /** Returns the client; closed with the server. */
    S3Client client() {
        return client;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            stopQuietly(proxy);
            store.close();
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            System.err.println("S3Proxy did not stop cleanly: " + e);
        }
    }
}
