package io.actiontrail.sink.s3;

import io.actiontrail.sink.DeliveryException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns S3 failures into delivery failures. Every failure is retryable: the content of an audit batch is opaque bytes
 * that no S3 server rejects for what it says, so whatever went wrong (outage, throttling, wrong credentials, missing
 * bucket, denied access, an unsupported option) is fixed on the server or in the configuration, and the backlog must
 * wait in the journal until then rather than be dropped. Messages carry the server's error code and request id, never
 * credentials. Stateless.
 */
final class S3Failures {

    private S3Failures() {}

    static DeliveryException toDeliveryException(String operation, String bucket, String key, SdkException e) {
        String target = "s3://" + bucket + "/" + key;
        if (e instanceof AwsServiceException service) {
            AwsErrorDetails details = service.awsErrorDetails();
            String code = details == null ? null : details.errorCode();
            String serverMessage = details == null ? null : details.errorMessage();
            int status = service.statusCode();
            String errorCode = code != null && !code.isBlank() ? code : status > 0 ? String.valueOf(status) : null;
            StringBuilder message = new StringBuilder()
                    .append(operation)
                    .append(' ')
                    .append(target)
                    .append(" failed: HTTP ")
                    .append(status);
            if (code != null) {
                message.append(' ').append(code);
            }
            if (serverMessage != null && !serverMessage.isBlank()) {
                message.append(": ").append(serverMessage.strip());
            }
            String hint = hint(code, status);
            if (hint != null) {
                message.append(" — ").append(hint);
            }
            String requestId = service.requestId();
            if (requestId != null && !requestId.isBlank()) {
                message.append(" (request id ").append(requestId).append(')');
            }
            return DeliveryException.retryable(message.toString(), e).withErrorCode(errorCode);
        }
        String detail = e.getMessage();
        return DeliveryException.retryable(
                operation + " " + target + " failed before the server answered: "
                        + (detail == null ? e.getClass().getSimpleName() : detail),
                e);
    }

    /** Says what an operator can do about the common configuration errors; {@code null} when nothing specific. */
    static @Nullable String hint(@Nullable String code, int status) {
        if (code == null) {
            return status == 403 ? "check the credentials and the bucket policy; the batch stays queued" : null;
        }
        return switch (code) {
            case "InvalidAccessKeyId",
                    "SignatureDoesNotMatch",
                    "InvalidToken",
                    "ExpiredToken",
                    "TokenRefreshRequired" ->
                "check the access key id and secret; the batch stays queued until they are fixed";
            case "AccessDenied", "AllAccessDisabled" ->
                "grant s3:PutObject on the bucket and prefix; the batch stays queued until access is granted";
            case "NoSuchBucket" -> "create the bucket or fix its name; the batch stays queued until it exists";
            case "NotImplemented",
                    "InvalidStorageClass",
                    "InvalidEncryptionAlgorithmError",
                    "KMS.NotFoundException",
                    "InvalidRequest",
                    "InvalidArgument" ->
                "the server refused an option of this sink (encryption, storage class, Object Lock or checksum mode);"
                        + " fix the sink's configuration, the batch stays queued";
            case "SlowDown",
                    "Throttling",
                    "ThrottlingException",
                    "RequestTimeout",
                    "ServiceUnavailable",
                    "InternalError" -> "the server is busy or failing; retrying with backoff";
            default -> null;
        };
    }
}
