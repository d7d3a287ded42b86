package io.actiontrail.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.sink.Batching;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Configuring the sink, the reader and the connection: defaults, checks that name the bad value, OSS detection. */
final class S3ConfigurationTest {

    private static S3Client client;

    @BeforeAll
    static void createClient() {
        // never called: these tests only configure
        client = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @Test
    void defaultsFitObjectStorage() {
        S3AuditSink sink = S3AuditSink.builder(client, "audit").build();

        assertThat(sink.name()).isEqualTo("s3");
        assertThat(sink.bucket()).isEqualTo("audit");
        assertThat(sink.keyPrefix()).isEqualTo("ActionTrail/");
        assertThat(sink.batching()).isEqualTo(new Batching(1_000_000, 64L * 1024 * 1024, Duration.ofSeconds(60)));
        assertThat(sink).hasToString("S3AuditSink{s3, s3://audit/ActionTrail/}");
    }

    @Test
    void batchingIsConfigurable() {
        S3AuditSink sink = S3AuditSink.builder(client, "audit")
                .batching(S3AuditSink.DEFAULT_BATCHING
                        .withLinger(Duration.ofSeconds(5))
                        .withMaxBytes(1024)
                        .withMaxEvents(10))
                .prefix("//prod/audit/")
                .build();

        assertThat(sink.batching()).isEqualTo(new Batching(10, 1024, Duration.ofSeconds(5)));
        assertThat(sink.keyPrefix()).isEqualTo("prod/audit/ActionTrail/");
    }

    @Test
    void badValuesAreNamedInTheMessage() {
        S3AuditSink.Builder b = S3AuditSink.builder(client, "audit");

        assertThatThrownBy(() -> S3AuditSink.builder(client, "a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a/b'");
        assertThatThrownBy(() -> b.batching(S3AuditSink.DEFAULT_BATCHING.withLinger(Duration.ofSeconds(-1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linger must not be negative: PT-1S");
        assertThatThrownBy(() -> b.batching(S3AuditSink.DEFAULT_BATCHING.withMaxBytes(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes must be positive: 0");
        assertThatThrownBy(() -> b.batching(S3AuditSink.DEFAULT_BATCHING.withMaxBytes(2L * 1024 * 1024 * 1024)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batching.maxBytes must be at most 1073741824: 2147483648");
        assertThatThrownBy(() -> b.batching(S3AuditSink.DEFAULT_BATCHING.withMaxEvents(-3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEvents must be positive: -3");
        assertThatThrownBy(() -> b.serverSideEncryption("DES"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AES256 or aws:kms: 'DES'");
        assertThatThrownBy(() -> b.objectLockMode("FOREVER"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GOVERNANCE or COMPLIANCE: 'FOREVER'");
        assertThatThrownBy(() -> b.objectLockRetention(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("objectLockRetention must be positive: PT0S");
        assertThatThrownBy(() -> b.name(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name must not be blank");
        assertThatThrownBy(() -> b.storageClass(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storageClass must not be blank");
        assertThatThrownBy(() -> b.prefix("a//b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a//b'");
    }

    @Test
    void settingsThatDoNotFitTogetherFailAtBuild() {
        assertThatThrownBy(() -> S3AuditSink.builder(client, "audit")
                        .serverSideEncryption("AES256")
                        .kmsKeyId("alias/audit")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kmsKeyId needs serverSideEncryption aws:kms, not AES256")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.type(
                        io.actiontrail.ConflictingSettingsException.class))
                .extracting(io.actiontrail.ConflictingSettingsException::setting)
                .isEqualTo("kmsKeyId");
        assertThatThrownBy(() -> S3AuditSink.builder(client, "audit")
                        .objectLockMode("GOVERNANCE")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("objectLockMode and objectLockRetention go together")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.type(
                        io.actiontrail.ConflictingSettingsException.class))
                .extracting(io.actiontrail.ConflictingSettingsException::setting)
                .as("the one that is missing")
                .isEqualTo("objectLockRetention");
    }

    @Test
    void ossEndpointsGetChecksumsWhenRequiredAndTheirRegion() {
        S3Connection oss = S3Connection.builder()
                .endpoint("https://s3.oss-cn-hangzhou.aliyuncs.com")
                .credentials("LTAI-example", "oss-secret-value")
                .build();
        S3Connection internal = S3Connection.builder()
                .endpoint("https://oss-cn-shanghai-internal.aliyuncs.com")
                .build();

        assertThat(oss.isOss()).isTrue();
        assertThat(oss.checksumsWhenRequired()).isTrue();
        assertThat(oss.region()).isEqualTo("cn-hangzhou");
        assertThat(oss.pathStyle()).isFalse();
        assertThat(internal.region()).isEqualTo("cn-shanghai");
        try (S3Client created = oss.createClient()) {
            assertThat(created.serviceClientConfiguration().region()).isEqualTo(Region.of("cn-hangzhou"));
        }
    }

    @Test
    void otherEndpointsKeepTheSdkDefaultsUnlessTold() {
        S3Connection minio = S3Connection.builder()
                .endpoint(URI.create("http://127.0.0.1:9000"))
                .region("us-east-1")
                .pathStyle(true)
                .build();
        S3Connection strict = S3Connection.builder()
                .endpoint("https://storage.example.com")
                .region("eu")
                .checksumsWhenRequired(true)
                .build();
        S3Connection ossWithDefaults = S3Connection.builder()
                .endpoint("https://s3.oss-cn-hangzhou.aliyuncs.com")
                .region("cn-hangzhou")
                .checksumsWhenRequired(false)
                .build();

        assertThat(minio.isOss()).isFalse();
        assertThat(minio.checksumsWhenRequired()).isFalse();
        assertThat(minio.pathStyle()).isTrue();
        assertThat(minio.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(strict.checksumsWhenRequired()).isTrue();
        assertThat(ossWithDefaults.checksumsWhenRequired()).isFalse();
        assertThat(S3Connection.builder().build().region()).isNull();
    }

    @Test
    void connectionNeverShowsTheSecret() {
        S3Connection connection = S3Connection.builder()
                .endpoint("https://s3.oss-cn-hangzhou.aliyuncs.com")
                .credentials("LTAI-example", "oss-secret-value")
                .build();

        assertThat(connection.toString()).contains("LTAI-example").doesNotContain("oss-secret-value");
        assertThat(S3Connection.builder()
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .build()
                        .toString())
                .contains("AnonymousCredentialsProvider");
        assertThat(S3Connection.builder().build().toString()).contains("default chain");
    }

    @Test
    void badConnectionValuesAreNamedInTheMessage() {
        assertThatThrownBy(() -> S3Connection.builder().endpoint("ftp://files.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://files.example.com");
        assertThatThrownBy(() -> S3Connection.builder().endpoint("http://bad host"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'http://bad host'");
        assertThatThrownBy(() -> S3Connection.builder().region(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region must not be blank");
        assertThatThrownBy(() -> S3Connection.builder().credentials("id", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secretAccessKey must not be blank");
    }

    @Test
    void errorHintsCoverTheCommonCodes() {
        assertThat(S3Failures.hint("SlowDown", 503)).contains("retrying");
        assertThat(S3Failures.hint("AccessDenied", 403)).contains("s3:PutObject");
        assertThat(S3Failures.hint(null, 403)).contains("credentials");
        assertThat(S3Failures.hint(null, 500)).isNull();
        assertThat(S3Failures.hint("SomethingNew", 400)).isNull();
    }
}
