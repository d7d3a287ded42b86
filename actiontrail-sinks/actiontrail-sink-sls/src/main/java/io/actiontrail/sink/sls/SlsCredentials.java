package io.actiontrail.sink.sls;

import io.actiontrail.InvalidSettingException;
import org.jspecify.annotations.Nullable;

/**
 * An Alibaba Cloud AccessKey pair, with the security token when it is a temporary STS credential. Requests are signed
 * with the secret, which never leaves the process: only the AccessKey ID and a signature are sent, and the token in
 * its own header.
 *
 * <pre>{@code
 * SlsCredentials permanent = SlsCredentials.of(System.getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
 *         System.getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));
 * SlsCredentials temporary = SlsCredentials.sts(assumed.accessKeyId(), assumed.accessKeySecret(), assumed.token());
 * }</pre>
 *
 * <p>{@link #toString()} shows the AccessKey ID only, never the secret or the token. Immutable and thread-safe.
 *
 * @param accessKeyId the AccessKey ID, for example {@code LTAI…}, or {@code STS.…} for a temporary credential
 * @param accessKeySecret the AccessKey secret
 * @param securityToken the STS security token of a temporary credential; {@code null} for a permanent AccessKey
 */
public record SlsCredentials(
        String accessKeyId,
        String accessKeySecret,
        @Nullable String securityToken) {

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException if the ID or secret is null or blank, or the token is blank
     */
    public SlsCredentials {
        if (accessKeyId == null || accessKeyId.isBlank()) {
            throw new InvalidSettingException("accessKeyId", "accessKeyId must not be null or blank");
        }
        if (accessKeySecret == null || accessKeySecret.isBlank()) {
            throw new InvalidSettingException("accessKeySecret", "accessKeySecret must not be null or blank");
        }
        if (securityToken != null && securityToken.isBlank()) {
            throw new InvalidSettingException(
                    "securityToken", "securityToken must not be blank; leave it null for a permanent key");
        }
        if (!printable(accessKeyId)) {
            throw new InvalidSettingException(
                    "accessKeyId", "accessKeyId must be printable ASCII without spaces: '" + accessKeyId + "'");
        }
        if (securityToken != null && !printable(securityToken)) {
            // the token is a secret too: say what is wrong, never what it is
            throw new InvalidSettingException("securityToken", "securityToken must be printable ASCII without spaces");
        }
    }

    private static boolean printable(String value) {
        return value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    }

    /** Returns a permanent AccessKey pair. */
    public static SlsCredentials of(String accessKeyId, String accessKeySecret) {
        return new SlsCredentials(accessKeyId, accessKeySecret, null);
    }

    /** Returns a temporary STS credential: its AccessKey pair and its security token. */
    public static SlsCredentials sts(String accessKeyId, String accessKeySecret, String securityToken) {
        if (securityToken == null) {
            throw new InvalidSettingException("securityToken", "securityToken must not be null for an STS credential");
        }
        return new SlsCredentials(accessKeyId, accessKeySecret, securityToken);
    }

    /** Returns the AccessKey ID and whether there is a token; never the secret or the token. */
    @Override
    public String toString() {
        return "SlsCredentials[accessKeyId=" + accessKeyId + ", accessKeySecret=****"
                + (securityToken == null ? "" : ", securityToken=****") + ']';
    }
}
