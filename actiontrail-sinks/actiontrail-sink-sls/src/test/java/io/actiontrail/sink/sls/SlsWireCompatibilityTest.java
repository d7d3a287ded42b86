package io.actiontrail.sink.sls;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.openservices.log.common.Logs;
import com.aliyun.openservices.log.common.auth.DefaultCredentials;
import com.aliyun.openservices.log.common.auth.StaticCredentialsProvider;
import com.aliyun.openservices.log.http.client.HttpMethod;
import com.aliyun.openservices.log.http.signer.SlsV1Signer;
import com.aliyun.openservices.log.http.utils.DateUtil;
import com.aliyun.openservices.log.util.GzipUtils;
import com.fasterxml.jackson.databind.JsonNode;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.testsupport.SlsEndpoint;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okio.Buffer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Wire compatibility with Alibaba's official Log Service Java SDK ({@code com.aliyun.openservices:aliyun-log}): the
 * sink's signature, {@code Date}, {@code Content-MD5}, deflate body and LogGroup bytes are compared with what the SDK's
 * own {@link SlsV1Signer}, {@link DateUtil}, {@link GzipUtils} and protobuf {@link Logs} classes produce for the same
 * input. The SDK's default signature version is 1, which the sink uses.
 *
 * <p>What this cannot prove, with no Log Service reachable here: that the service accepts the requests (only that they
 * are what the SDK itself would send); its quotas and throttling; error answers beyond the documented ones; shard
 * routing; the virtual-host name {@code <project>.<endpoint>} resolving and its TLS certificate; regions or accounts
 * that require signature version 4, which the sink does not implement; the service's clock tolerance.
 */
final class SlsWireCompatibilityTest {

    private static final String ACCESS_KEY_ID = "LTAI5tWireCompat";
    private static final String SECRET = "wire-secret-0123456789abcdefABCD";
    private static final String STS_KEY_ID = "STS.NUf3wireCompat";
    private static final String TOKEN = "CAIS+token/with=base64+chars==";

    private static SlsAuditSink sink(SlsAuditSink.Compression compression) {
        return SlsAuditSink.builder("http://127.0.0.1:1", "audit", "events")
                .credentials(ACCESS_KEY_ID, SECRET)
                .compression(compression)
                .topic("actiontrail")
                .source("orders-7f9c")
                .build();
    }

    private static AuditEvent richEvent() {
        Map<String, @Nullable Object> nested = new LinkedHashMap<>();
        nested.put("orderId", "o-1001");
        nested.put("quantity", 3L);
        nested.put("price", 19.99);
        nested.put("note", "审计 \"quoted\" \\ line\nbreak");
        nested.put("tags", List.of("a", "b"));
        return AuditEvent.builder("CreateOrder")
                .eventTime(Instant.parse("2026-03-04T05:06:07.123456789Z"))
                .eventRW(EventRW.WRITE)
                .serviceName("orders")
                .userIdentity(UserIdentity.user("u-42", "alice"))
                .sourceIpAddress("203.0.113.7")
                .userAgent("curl/8.5 \"ü\" 🔐")
                .resource("Order", "o-1001")
                .requestParameters(nested)
                .outcome(Outcome.FAILURE)
                .errorCode("OrderLocked")
                .errorMessage("locked\tby another update")
                .durationMs(1234L)
                .build();
    }

    private static byte[] bodyOf(Request request) throws Exception {
        Buffer buffer = new Buffer();
        java.util.Objects.requireNonNull(request.body()).writeTo(buffer);
        return buffer.readByteArray();
    }

    @ParameterizedTest(name = "compression {0}, STS token {1}")
    @CsvSource({"NONE, false", "DEFLATE, false", "NONE, true", "DEFLATE, true"})
    void theAuthorizationHeaderIsTheOneTheOfficialSdkComputesForTheSameDateAndBody(
            SlsAuditSink.Compression compression, boolean sts) throws Exception {
        SlsAuditSink sink = sink(compression);
        byte[] logGroup = LogGroups.group(
                List.of(LogGroups.log(AuditRecord.of(richEvent()))),
                "actiontrail",
                "orders-7f9c",
                List.of(Map.entry("env", "prod")));
        byte[] body = compression == SlsAuditSink.Compression.DEFLATE ? GzipUtils.compress(logGroup) : logGroup;
        DefaultCredentials credentials =
                sts ? new DefaultCredentials(STS_KEY_ID, SECRET, TOKEN) : new DefaultCredentials(ACCESS_KEY_ID, SECRET);
        Map<String, String> sdkHeaders = new HashMap<>();
        sdkHeaders.put("Content-Type", "application/x-protobuf");
        sdkHeaders.put("x-log-apiversion", "0.6.0");
        sdkHeaders.put("x-log-bodyrawsize", Integer.toString(logGroup.length));
        if (compression == SlsAuditSink.Compression.DEFLATE) {
            sdkHeaders.put("x-log-compresstype", "deflate");
        }
        // the SDK dates the request itself, with the current time; the sink is then asked for that same second
        new SlsV1Signer(new StaticCredentialsProvider(credentials))
                .sign(HttpMethod.POST, sdkHeaders, "/logstores/events/shards/lb", new HashMap<>(), body);
        Instant sdkDate = ZonedDateTime.parse(sdkHeaders.get("Date"), DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant();

        SlsCredentials ours =
                sts ? SlsCredentials.sts(STS_KEY_ID, SECRET, TOKEN) : SlsCredentials.of(ACCESS_KEY_ID, SECRET);
        Request request = sink.request(logGroup, sdkDate, ours);

        assertThat(bodyOf(request)).as("the body as sent").isEqualTo(body);
        assertThat(request.header("Date")).isEqualTo(sdkHeaders.get("Date"));
        assertThat(request.header("Content-MD5")).isEqualTo(sdkHeaders.get("Content-MD5"));
        assertThat(request.header("x-log-signaturemethod")).isEqualTo(sdkHeaders.get("x-log-signaturemethod"));
        assertThat(request.header("x-acs-security-token")).isEqualTo(sdkHeaders.get("x-acs-security-token"));
        assertThat(request.header("Authorization"))
                .startsWith("LOG " + credentials.getAccessKeyId() + ":")
                .isEqualTo(sdkHeaders.get("Authorization"));
        assertThat(java.util.Objects.requireNonNull(request.body()).contentType())
                .hasToString("application/x-protobuf");
        sink.close();
    }

    @Test
    void theDateHeaderIsTheSdksRfc822FormatAlsoOnSingleDigitDays() {
        for (String instant : List.of("2026-03-04T05:06:07Z", "2026-11-24T23:59:59.999Z", "2027-01-01T00:00:00Z")) {
            Instant at = Instant.parse(instant);
            assertThat(Signer.DATE.format(at)).as(instant).isEqualTo(DateUtil.formatRfc822Date(Date.from(at)));
        }
        assertThat(Signer.DATE.format(Instant.parse("2026-03-04T05:06:07Z")))
                .isEqualTo("Wed, 04 Mar 2026 05:06:07 GMT");
    }

    @Test
    void contentMd5IsTheSdksUppercaseHexEvenWithALeadingZero() {
        int withLeadingZero = 0;
        for (int i = 0; i < 200; i++) {
            byte[] body = ("body " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String md5 = Signer.contentMd5(body);
            assertThat(md5).isEqualTo(SlsV1Signer.md5Crypt(body)).matches("[0-9A-F]{32}");
            if (md5.startsWith("0")) {
                withLeadingZero++;
            }
        }
        assertThat(withLeadingZero).as("bodies whose MD5 starts with 0").isPositive();
    }

    @Test
    void deflateIsTheSdksDeflateAndInflatesWithIt() throws Exception {
        byte[] logGroup =
                LogGroups.group(List.of(LogGroups.log(AuditRecord.of(richEvent()))), "actiontrail", "h", List.of());
        byte[] deflated = SlsAuditSink.deflate(logGroup);

        assertThat(deflated).isEqualTo(GzipUtils.compress(logGroup));
        assertThat(GzipUtils.uncompress(deflated)).isEqualTo(logGroup);
    }

    @Test
    void theLogGroupIsByteForByteWhatTheSdkEncodesAndDecodes() throws Exception {
        AuditEvent first = richEvent();
        AuditEvent second = AuditEvent.builder("DeleteOrder")
                .eventTime(Instant.parse("1970-01-01T00:00:00Z"))
                .resource("Order", "o-2")
                .build();
        List<Map.Entry<String, String>> tags =
                List.of(Map.entry("env", "prod"), Map.entry(SlsAuditSink.PACK_ID_TAG, "0123456789ABCDEF-1f"));

        byte[] ours = LogGroups.group(
                List.of(LogGroups.log(AuditRecord.of(first)), LogGroups.log(AuditRecord.of(second))),
                "actiontrail",
                "orders-7f9c",
                tags);

        Logs.LogGroup.Builder expected =
                Logs.LogGroup.newBuilder().setTopic("actiontrail").setSource("orders-7f9c");
        for (AuditEvent event : List.of(first, second)) {
            Instant time = event.eventTime();
            Logs.Log.Builder log = expected.addLogsBuilder()
                    .setTime((int) time.getEpochSecond())
                    .setTimeNs(time.getNano());
            JsonNode json = SlsEndpoint.JSON.readTree(event.toJson());
            for (Map.Entry<String, JsonNode> field : json.properties()) {
                JsonNode value = field.getValue();
                log.addContentsBuilder()
                        .setKey(field.getKey())
                        .setValue(value.isTextual() ? value.asText() : value.toString());
            }
        }
        for (Map.Entry<String, String> tag : tags) {
            expected.addLogTagsBuilder().setKey(tag.getKey()).setValue(tag.getValue());
        }
        assertThat(ours)
                .as("the SDK's encoding of the same LogGroup")
                .isEqualTo(expected.build().toByteArray());

        Logs.LogGroup decoded = Logs.LogGroup.parseFrom(ours);
        assertThat(decoded.getTopic()).isEqualTo("actiontrail");
        assertThat(decoded.getSource()).isEqualTo("orders-7f9c");
        assertThat(decoded.getLogTagsList())
                .extracting(Logs.LogTag::getKey, Logs.LogTag::getValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("env", "prod"),
                        org.assertj.core.groups.Tuple.tuple(SlsAuditSink.PACK_ID_TAG, "0123456789ABCDEF-1f"));
        Logs.Log log = decoded.getLogs(0);
        assertThat(log.getTime()).isEqualTo((int) first.eventTime().getEpochSecond());
        assertThat(log.getTimeNs()).as("events keep milliseconds").isEqualTo(123_000_000);
        Map<String, String> contents = new LinkedHashMap<>();
        for (Logs.Log.Content content : log.getContentsList()) {
            contents.put(content.getKey(), content.getValue());
        }
        assertThat(new ArrayList<>(contents.keySet()))
                .as("one content per top-level field, in the line's order")
                .containsExactlyElementsOf(fieldNames(first));
        assertThat(contents)
                .containsEntry("eventName", "CreateOrder")
                .containsEntry("userAgent", "curl/8.5 \"ü\" 🔐")
                .containsEntry("errorMessage", "locked\tby another update")
                .containsEntry("durationMs", "1234")
                .containsEntry(
                        "userIdentity",
                        SlsEndpoint.JSON
                                .readTree(first.toJson())
                                .get("userIdentity")
                                .toString());
        assertThat(SlsEndpoint.JSON
                        .readTree(contents.get("requestParameters"))
                        .get("note")
                        .asText())
                .isEqualTo("审计 \"quoted\" \\ line\nbreak");
        assertThat(SlsEndpoint.event(log))
                .as("the event read back from its log")
                .isEqualTo(first);
        assertThat(decoded.getLogs(1).getTime()).isZero();
        assertThat(SlsEndpoint.event(decoded.getLogs(1))).isEqualTo(second);
    }

    @Test
    void aNestedObjectIsKeptExactlyAsTheJournalLineHasIt() throws Exception {
        AuditEvent event = AuditEvent.builder("Nested")
                .requestParameter("text", "emoji 🔐, CJK 审计, quote \" and \u0001")
                .requestParameter("list", List.of(1L, 2.5, true))
                .build();

        Logs.Log log = Logs.Log.parseFrom(LogGroups.log(AuditRecord.of(event)));

        String value = log.getContentsList().stream()
                .filter(c -> c.getKey().equals("requestParameters"))
                .findFirst()
                .orElseThrow()
                .getValue();
        assertThat(value).startsWith("{").endsWith("}");
        assertThat(event.toJson()).contains("\"requestParameters\":" + value);
        assertThat(SlsEndpoint.event(log)).isEqualTo(event);
    }

    private static List<String> fieldNames(AuditEvent event) throws Exception {
        List<String> names = new ArrayList<>();
        SlsEndpoint.JSON.readTree(event.toJson()).fieldNames().forEachRemaining(names::add);
        return names;
    }
}
