package io.actiontrail.sink.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Reads what a bucket holds with plain S3 calls, independently of {@link S3EventReader}. */
final class StoredObjects {

    private StoredObjects() {}

    /** One stored object: its key, metadata, gunzipped content and its JSON lines. */
    record Stored(String key, Map<String, String> metadata, String contentType, String content, List<String> lines) {}

    /** Returns every object under the prefix, in key order. */
    static List<Stored> list(S3Client s3, String bucket, String prefix) throws IOException {
        List<Stored> result = new ArrayList<>();
        for (S3Object object :
                s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            result.add(get(s3, bucket, object.key()));
        }
        return result;
    }

    static Stored get(S3Client s3, String bucket, String key) throws IOException {
        ResponseBytes<GetObjectResponse> bytes =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        byte[] uncompressed;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes.asByteArray()))) {
            uncompressed = in.readAllBytes();
        }
        String text = new String(uncompressed, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        // every line ends with \n, so the text splits into the lines and one empty tail
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return new Stored(
                key,
                bytes.response().metadata(),
                String.valueOf(bytes.response().contentType()),
                text,
                List.copyOf(lines));
    }
}
