package io.actiontrail.spring.console;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Access without Spring Security: the caller presents {@code Authorization: Bearer <token>}, whose SHA-256 must be the
 * configured hash. Only the hash is kept; the comparison takes the same time whatever the token. Thread-safe.
 */
final class TokenConsoleAccess implements ConsoleAccess {

    private final byte[] expected;

    /**
     * @param sha256Hex the token's SHA-256, 64 hexadecimal digits
     * @throws IllegalArgumentException if it is not
     */
    TokenConsoleAccess(String sha256Hex) {
        String hex = sha256Hex.strip().toLowerCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("must be the SHA-256 of the token: 64 hexadecimal digits");
        }
        this.expected = HexFormat.of().parseHex(hex);
    }

    @Override
    public void check(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
            throw new Refused(401, "a bearer token is required");
        }
        byte[] presented = sha256(header.substring(7).strip());
        if (!MessageDigest.isEqual(presented, expected)) {
            throw new Refused(401, "the bearer token is not valid");
        }
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
