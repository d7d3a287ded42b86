package io.actiontrail.sink.opensearch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Elasticsearch 8 as {@link Elasticsearch8Node} starts it, with its security switched on: every request must
 * authenticate, and one that does not is answered 401 {@code security_exception}. TLS stays off on HTTP and on the
 * transport (a single node on 127.0.0.1, where Elasticsearch does not ask for it), so that the tests speak plain HTTP.
 * Before the node first starts, {@code bin/elasticsearch-users} adds the user {@link #USER} with the role
 * {@code superuser} to the file realm of the node's own copy of the configuration directory; the distribution's stays
 * as it is.
 */
final class Elasticsearch8SecuredNode extends Elasticsearch8Node {

    /** The user of the file realm, a superuser; the administrator's requests authenticate as this user too. */
    static final String USER = "actiontrail-writer";

    /** The user's password, made up for each test run so that the tests can look for it in what they capture. */
    static final String PASSWORD = "p" + HexFormat.of().formatHex(randomBytes(16));

    @Override
    Map<String, String> variantSettings() {
        return Map.of(
                "xpack.security.enabled", "true",
                "xpack.security.http.ssl.enabled", "false",
                "xpack.security.transport.ssl.enabled", "false");
    }

    @Override
    boolean ownConfiguration() {
        return true;
    }

    @Override
    void configure(Tools tools) throws IOException {
        tools.run("elasticsearch-users", "useradd", USER, "-p", PASSWORD, "-r", "superuser");
    }

    @Override
    protected String adminAuthorization() {
        return basic(USER, PASSWORD);
    }

    /** The {@code Authorization} header of HTTP basic authentication. */
    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
