package io.actiontrail.sink.s3;

import io.actiontrail.testsupport.S3Server;

/** Connections of the sink to the tests' S3 server. */
final class S3Connections {

    private S3Connections() {}

    /** A connection to the server with its key, path-style, in the region the server signs for. */
    static S3Connection.Builder to(S3Server server) {
        return S3Connection.builder()
                .endpoint(server.endpoint())
                .region("us-east-1")
                .pathStyle(true)
                .credentials(S3Server.ACCESS_KEY, S3Server.SECRET_KEY);
    }
}
