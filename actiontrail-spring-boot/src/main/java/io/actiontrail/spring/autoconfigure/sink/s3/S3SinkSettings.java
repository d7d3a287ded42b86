package io.actiontrail.spring.autoconfigure.sink.s3;

import io.actiontrail.ConflictingSettingsException;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.s3.S3AuditSink;
import io.actiontrail.sink.s3.S3Connection;
import io.actiontrail.spring.autoconfigure.sink.BatchSettings;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The settings of {@code type: s3} sinks from {@code actiontrail.sinks.<name>.*}: the bucket and key prefix, the connection
 * ({@code endpoint}, signing {@code region}, {@code path-style}, static keys or the AWS default credentials chain) and
 * the object options. The keys' service name and region are those of the ActionTrail ({@code actiontrail.service-name},
 * {@code actiontrail.region}), not the signing region. A bad value fails naming its property; the secret access key
 * never appears in a message. Bound once, then only read: not thread-safe.
 */
final class S3SinkSettings extends BatchSettings {

    /**
     * The event format: actiontrail (the default, the journal's JSON line), ocsf, cloudevents, cloudevents-binary (Kafka and webhook only) or cloudtrail.
     */
    private @Nullable String format;

    /** The bucket the objects are written to (required). */
    private @Nullable String bucket;

    /** The key prefix, such as prod/audit; keys then start with prod/audit/ActionTrail/. */
    private @Nullable String prefix;

    /** The server's endpoint, for OSS https://s3.oss-cn-hangzhou.aliyuncs.com; defaults to AWS S3. */
    private @Nullable String endpoint;

    /** The S3 signing region; defaults to the region in an OSS endpoint, else the AWS default region chain. */
    private @Nullable String region;

    /** Whether the bucket goes in the path (MinIO, self-hosted servers) rather than in the host name. */
    private boolean pathStyle;

    /** The access key id; without it and the secret, the AWS default credentials chain is used. */
    private @Nullable String accessKeyId;

    /** The secret access key, with access-key-id. */
    private @Nullable String secretAccessKey;

    /** Whether checksums are sent only when required; defaults to true for OSS endpoints, else false. */
    private @Nullable Boolean checksumsWhenRequired;

    /** Server-side encryption: AES256 or aws:kms; defaults to the bucket's default. */
    private @Nullable String sse;

    /** The KMS key (id, ARN or alias) for sse=aws:kms. */
    private @Nullable String kmsKeyId;

    /** The storage class, such as STANDARD_IA; defaults to the bucket's default. */
    private @Nullable String storageClass;

    /** The S3 Object Lock mode of every object, GOVERNANCE or COMPLIANCE, with object-lock-retention. */
    private @Nullable String objectLockMode;

    /** How long every object stays locked after its upload, with object-lock-mode. */
    private @Nullable Duration objectLockRetention;

    public @Nullable String getBucket() {
        return bucket;
    }

    public void setBucket(@Nullable String bucket) {
        this.bucket = bucket;
    }

    public @Nullable String getPrefix() {
        return prefix;
    }

    public void setPrefix(@Nullable String prefix) {
        this.prefix = prefix;
    }

    public @Nullable String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(@Nullable String endpoint) {
        this.endpoint = endpoint;
    }

    public @Nullable String getRegion() {
        return region;
    }

    public void setRegion(@Nullable String region) {
        this.region = region;
    }

    public boolean isPathStyle() {
        return pathStyle;
    }

    public void setPathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
    }

    public @Nullable String getAccessKeyId() {
        return accessKeyId;
    }

    public void setAccessKeyId(@Nullable String accessKeyId) {
        this.accessKeyId = accessKeyId;
    }

    public @Nullable String getSecretAccessKey() {
        return secretAccessKey;
    }

    public void setSecretAccessKey(@Nullable String secretAccessKey) {
        this.secretAccessKey = secretAccessKey;
    }

    public @Nullable Boolean getChecksumsWhenRequired() {
        return checksumsWhenRequired;
    }

    public void setChecksumsWhenRequired(@Nullable Boolean checksumsWhenRequired) {
        this.checksumsWhenRequired = checksumsWhenRequired;
    }

    public @Nullable String getSse() {
        return sse;
    }

    public void setSse(@Nullable String sse) {
        this.sse = sse;
    }

    public @Nullable String getKmsKeyId() {
        return kmsKeyId;
    }

    public void setKmsKeyId(@Nullable String kmsKeyId) {
        this.kmsKeyId = kmsKeyId;
    }

    public @Nullable String getStorageClass() {
        return storageClass;
    }

    public void setStorageClass(@Nullable String storageClass) {
        this.storageClass = storageClass;
    }

    public @Nullable String getObjectLockMode() {
        return objectLockMode;
    }

    public void setObjectLockMode(@Nullable String objectLockMode) {
        this.objectLockMode = objectLockMode;
    }

    public @Nullable Duration getObjectLockRetention() {
        return objectLockRetention;
    }

    public void setObjectLockRetention(@Nullable Duration objectLockRetention) {
        this.objectLockRetention = objectLockRetention;
    }

    public @Nullable String getFormat() {
        return format;
    }

    public void setFormat(@Nullable String format) {
        this.format = format;
    }

    @Override
    public AuditSink create(SinkDefinition definition) {
        String bucket = definition.required("bucket", getBucket(), "a bucket");
        S3Connection connection = connection(definition, this);
        S3AuditSink.Builder b;
        try {
            b = S3AuditSink.builder(connection, bucket);
        } catch (IllegalArgumentException e) {
            throw definition.invalid("bucket", bucket, String.valueOf(e.getMessage()));
        }
        b.name(definition.name());
        definition.apply("format", getFormat(), v -> b.format(EventFormats.named(v)));
        definition.apply("prefix", getPrefix(), b::prefix);
        definition.apply("service-name", definition.serviceName(), b::serviceName);
        definition.apply("region", definition.region(), b::region);
        definition.apply("sse", getSse(), b::serverSideEncryption);
        definition.apply("kms-key-id", getKmsKeyId(), b::kmsKeyId);
        definition.apply("storage-class", getStorageClass(), b::storageClass);
        applyBatching(definition, S3AuditSink.DEFAULT_BATCHING, b::batching);
        definition.apply("object-lock-mode", getObjectLockMode(), b::objectLockMode);
        definition.apply("object-lock-retention", getObjectLockRetention(), b::objectLockRetention);
        try {
            return b.build();
        } catch (ConflictingSettingsException e) {
            String message = String.valueOf(e.getMessage());
            switch (e.setting()) {
                case "kmsKeyId" -> throw definition.invalid("kms-key-id", getKmsKeyId(), message);
                case "objectLockMode" -> throw definition.invalid("object-lock-mode", null, message);
                case "objectLockRetention" -> throw definition.invalid("object-lock-retention", null, message);
                default -> throw e;
            }
        } catch (SdkClientException e) {
            // the client is created now: without a region here or in the AWS default region chain it cannot be
            throw definition.invalid(
                    "region",
                    getRegion(),
                    "the S3 client could not be created; set the signing region (or AWS_REGION): " + e.getMessage());
        }
    }

    private static S3Connection connection(SinkDefinition definition, S3SinkSettings s) {
        S3Connection.Builder c = S3Connection.builder();
        definition.apply("endpoint", s.getEndpoint(), c::endpoint);
        // the signing region; the keys' region is actiontrail.region
        definition.apply("region", s.getRegion(), c::region);
        c.pathStyle(s.isPathStyle());
        Boolean checksums = s.getChecksumsWhenRequired();
        if (checksums != null) {
            c.checksumsWhenRequired(checksums);
        }
        String id = s.getAccessKeyId();
        String secret = s.getSecretAccessKey();
        if (id != null && secret == null) {
            throw definition.invalid(
                    "secret-access-key", null, "access-key-id is set, so the secret access key is needed too");
        }
        if (secret != null && id == null) {
            // never show the value: it is a secret
            throw definition.invalid(
                    "access-key-id", null, "secret-access-key is set, so the access key id is needed too");
        }
        if (id != null && secret != null) {
            if (id.isBlank()) {
                throw definition.invalid("access-key-id", id, "must not be blank");
            }
            if (secret.isBlank()) {
                throw definition.invalid("secret-access-key", SinkDefinition.MASKED, "must not be blank");
            }
            c.credentials(id, secret);
        }
        return c.build();
    }
}
