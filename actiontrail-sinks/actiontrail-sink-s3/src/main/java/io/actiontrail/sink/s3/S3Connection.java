package io.actiontrail.sink.s3;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * How to reach an S3-compatible server: endpoint, signing region, path-style or virtual-hosted addressing,
 * credentials, and whether request checksums are sent only when an operation requires them. It builds the
 * {@link S3Client} for {@link S3AuditSink} and {@link S3EventReader} when the application does not bring its own.
 *
 * <pre>{@code
 * // Alibaba Cloud OSS through its S3-compatible endpoint: region and checksum mode follow from the endpoint
 * S3Connection oss = S3Connection.builder()
 *         .endpoint("https://s3.oss-cn-hangzhou.aliyuncs.com")
 *         .credentials(accessKeyId, accessKeySecret)
 *         .build();
 * // AWS S3 with the default credentials chain (environment, profile, instance role)
 * S3Connection aws = S3Connection.builder().region("eu-central-1").build();
 * }</pre>
 *
 * <p>Servers that reject the {@code aws-chunked} uploads with checksum trailers which the AWS SDK sends by default
 * (Alibaba Cloud OSS among them) need {@link Builder#checksumsWhenRequired(boolean) checksumsWhenRequired(true)};
 * it is chosen automatically for {@code *.aliyuncs.com} endpoints. {@link #toString()} never shows the secret.
 *
 * <p>Immutable and thread-safe.
 */
public final class S3Connection {

    /** Matches OSS hosts such as {@code s3.oss-cn-hangzhou.aliyuncs.com} or {@code oss-cn-hangzhou-internal…}. */
    private static final Pattern OSS_HOST =
            Pattern.compile("^(?:.*\\.)?oss-([a-z0-9-]+?)(?:-internal)?\\.aliyuncs\\.com$");

    private final @Nullable URI endpoint;
    private final @Nullable String region;
    private final boolean pathStyle;
    private final @Nullable String accessKeyId;
    private final @Nullable String secretAccessKey;
    private final @Nullable AwsCredentialsProvider credentialsProvider;
    private final boolean checksumsWhenRequired;
    private final boolean oss;

    private S3Connection(Builder builder) {
        this.endpoint = builder.endpoint;
        this.pathStyle = builder.pathStyle;
        this.accessKeyId = builder.accessKeyId;
        this.secretAccessKey = builder.secretAccessKey;
        this.credentialsProvider = builder.credentialsProvider;
        this.oss = isOssEndpoint(builder.endpoint);
        String derivedRegion = builder.region;
        if (derivedRegion == null && builder.endpoint != null) {
            derivedRegion = ossRegion(builder.endpoint);
        }
        this.region = derivedRegion;
        Boolean checksums = builder.checksumsWhenRequired;
        this.checksumsWhenRequired = checksums != null ? checksums : oss;
    }

    /** Returns a builder; without any setting, the client talks to AWS S3 with the SDK's default chains. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns whether the endpoint is an Alibaba Cloud OSS endpoint ({@code *.aliyuncs.com}). */
    static boolean isOssEndpoint(@Nullable URI endpoint) {
        String host = endpoint == null ? null : endpoint.getHost();
        return host != null && host.toLowerCase(Locale.ROOT).endsWith(".aliyuncs.com");
    }

    /** Returns the region id in an OSS host name, such as {@code cn-hangzhou}; {@code null} if there is none. */
    static @Nullable String ossRegion(URI endpoint) {
        String host = endpoint.getHost();
        if (host == null) {
            return null;
        }
        Matcher m = OSS_HOST.matcher(host.toLowerCase(Locale.ROOT));
        return m.matches() && !m.group(1).equals("accelerate") ? m.group(1) : null;
    }

    /**
     * Returns a new client for this connection. The caller owns it and closes it; a sink or reader built from this
     * connection (rather than from a client) creates and closes its own.
     */
    public S3Client createClient() {
        S3ClientBuilder b = S3Client.builder();
        URI uri = endpoint;
        if (uri != null) {
            b.endpointOverride(uri);
        }
        String r = region;
        if (r != null) {
            b.region(Region.of(r));
        }
        b.forcePathStyle(pathStyle);
        AwsCredentialsProvider provider = credentialsProvider;
        String id = accessKeyId;
        String secret = secretAccessKey;
        if (provider != null) {
            b.credentialsProvider(provider);
        } else if (id != null && secret != null) {
            b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret)));
        }
        if (checksumsWhenRequired) {
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
            b.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            // no aws-chunked bodies either: the body is signed (or sent unsigned over TLS) in one piece
            b.serviceConfiguration(
                    S3Configuration.builder().chunkedEncodingEnabled(false).build());
        }
        return b.build();
    }

    /** Returns the endpoint override; {@code null} for AWS S3's own endpoints. */
    public @Nullable URI endpoint() {
        return endpoint;
    }

    /** Returns the signing region, given or derived from an OSS endpoint; {@code null} for the SDK's default chain. */
    public @Nullable String region() {
        return region;
    }

    /** Returns whether requests address the bucket in the path rather than in the host name. */
    public boolean pathStyle() {
        return pathStyle;
    }

    /** Returns whether checksums are sent only when an operation requires them, as set or chosen automatically. */
    public boolean checksumsWhenRequired() {
        return checksumsWhenRequired;
    }

    /** Returns whether the endpoint is Alibaba Cloud OSS. */
    public boolean isOss() {
        return oss;
    }

    /** Describes the connection; shows the access key id, never the secret. */
    @Override
    public String toString() {
        String credentials;
        if (credentialsProvider != null) {
            credentials = "provider " + credentialsProvider.getClass().getSimpleName();
        } else if (accessKeyId != null) {
            credentials = "static " + accessKeyId + "/****";
        } else {
            credentials = "default chain";
        }
        return "S3Connection{endpoint=" + (endpoint == null ? "AWS" : endpoint) + ", region="
                + (region == null ? "default chain" : region) + ", " + (pathStyle ? "path-style" : "virtual-hosted")
                + ", credentials=" + credentials + ", checksums="
                + (checksumsWhenRequired ? "when required" : "default")
                + '}';
    }

    /** Builds an {@link S3Connection}. Not thread-safe. */
    public static final class Builder {
        private @Nullable URI endpoint;
        private @Nullable String region;
        private boolean pathStyle;
        private @Nullable String accessKeyId;
        private @Nullable String secretAccessKey;
        private @Nullable AwsCredentialsProvider credentialsProvider;
        private @Nullable Boolean checksumsWhenRequired;

        private Builder() {}

        /**
         * Sets the server's endpoint, such as {@code https://s3.oss-cn-hangzhou.aliyuncs.com} or
         * {@code http://127.0.0.1:9000}; defaults to AWS S3's regional endpoint.
         *
         * @throws IllegalArgumentException if it is not an absolute {@code http} or {@code https} URI with a host
         */
        public Builder endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme();
            if (scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException(
                        "endpoint must be an http or https URI with a host, like https://s3.example.com: " + endpoint);
            }
            this.endpoint = endpoint;
            return this;
        }

        /**
         * Sets the server's endpoint from text.
         *
         * @throws IllegalArgumentException if it is not an absolute {@code http} or {@code https} URI with a host
         */
        public Builder endpoint(String endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            URI uri;
            try {
                uri = URI.create(endpoint.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("endpoint is not a URI: '" + endpoint + "'", e);
            }
            return endpoint(uri);
        }

        /**
         * Sets the signing region, such as {@code us-east-1} or {@code cn-hangzhou}; defaults to the region in an OSS
         * endpoint, else the SDK's default region chain ({@code AWS_REGION}, profile, instance metadata).
         *
         * @throws IllegalArgumentException if it is blank
         */
        public Builder region(String region) {
            this.region = Checks.requireText(region, "region");
            return this;
        }

        /**
         * Sets whether the bucket goes in the path ({@code http://host/bucket/key}, as MinIO and most self-hosted
         * servers need) rather than in the host name ({@code https://bucket.host/key}, as AWS S3 and OSS expect);
         * defaults to {@code false}.
         */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /**
         * Sets static credentials; without them (and without a {@link #credentialsProvider}), the SDK's default chain
         * is used: environment, system properties, profile, container and instance roles.
         *
         * @throws IllegalArgumentException if either is blank
         */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            if (accessKeyId.isBlank()) {
                throw new IllegalArgumentException("accessKeyId must not be blank");
            }
            if (secretAccessKey.isBlank()) {
                // the value is a secret: never put it in a message
                throw new IllegalArgumentException("secretAccessKey must not be blank");
            }
            this.accessKeyId = accessKeyId.strip();
            this.secretAccessKey = secretAccessKey;
            this.credentialsProvider = null;
            return this;
        }

        /** Sets where credentials come from, for rotation or assumed roles; replaces {@link #credentials}. */
        public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = Objects.requireNonNull(credentialsProvider, "credentialsProvider");
            this.accessKeyId = null;
            this.secretAccessKey = null;
            return this;
        }

        /**
         * Sets whether request checksums and response validation happen only when an operation requires them, with
         * uploads sent in one piece rather than as {@code aws-chunked} with checksum trailers. Defaults to
         * {@code true} for Alibaba Cloud OSS endpoints ({@code *.aliyuncs.com}), which reject those trailers, and to
         * the SDK's default ({@code false}) elsewhere. Set it for other servers that answer uploads with
         * {@code InvalidArgument} or {@code NotImplemented} about {@code aws-chunked} or {@code x-amz-trailer}.
         */
        public Builder checksumsWhenRequired(boolean checksumsWhenRequired) {
            this.checksumsWhenRequired = checksumsWhenRequired;
            return this;
        }

        /** Returns the connection. */
        public S3Connection build() {
            return new S3Connection(this);
        }
    }
}
