package io.actiontrail.sink.sls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.openservices.log.common.Logs;
import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.testsupport.SlsEndpoint;
import io.actiontrail.transport.http.HttpTransport;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What Log Service receives from the sink, and how each of its answers becomes a delivery, a retry or a refusal,
 * against a local PutLogs endpoint that checks every request as the service does.
 */
final class SlsAuditSinkTest {

    private static final String PROJECT = "audit";
    private static final String LOGSTORE = "events";
    private static final String KEY_ID = "LTAI5tSinkTestKey";
    private static final String SECRET = "s3cr3t-sls-key-0123456789abcdef";
    private static final String STS_KEY_ID = "STS.NUsinkTestKey";
    private static final String TOKEN = "CAIS-sts-token-0123456789/+=";
    private static final Instant NOW = Instant.parse("2026-03-14T09:26:53Z");

    private SlsEndpoint server;
    private final List<SlsAuditSink> sinks = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = SlsEndpoint.start().project(PROJECT, LOGSTORE).accessKey(KEY_ID, SECRET);
    }

    @AfterEach
    void stop() {
        sinks.forEach(SlsAuditSink::close);
        server.close();
    }

    private SlsAuditSink.Builder builder() {
        return SlsAuditSink.builder(server.endpoint(), PROJECT, LOGSTORE).credentials(KEY_ID, SECRET);
    }

    private SlsAuditSink sink(SlsAuditSink.Builder builder) {
        SlsAuditSink sink = builder.build();
        sinks.add(sink);
        return sink;
    }

    private SlsAuditSink sink() {
        return sink(builder());
    }

    private static List<AuditEvent> events(String name, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder(name).resource("Order", "o-" + i).build());
        }
        return events;
    }

    private static AuditBatch batch(String name, int count) {
        return AuditBatch.ofEvents(events(name, count));
    }

    private static DeliveryException failureOf(SlsAuditSink sink, AuditBatch batch) {
        try {
            sink.write(batch);
        } catch (DeliveryException e) {
            return e;
        }
        throw new AssertionError("write succeeded");
    }

    private static List<String> ids(AuditBatch batch) {
        return batch.records().stream().map(AuditRecord::eventId).toList();
    }

    @Test
    void logsInAnotherFormatAreMadeOfThatFormatsTopLevelFieldsAtTheEventsTime() throws Exception {
        SlsAuditSink sink = sink(builder().format(io.actiontrail.format.EventFormats.ocsf()));
        assertThat(sink.format().name()).isEqualTo("ocsf");
        AuditBatch batch = batch("CreateOrder", 2);

        sink.write(batch);

        SlsEndpoint.Received request = server.requests().get(0);
        assertThat(request.verified()).isTrue();
        List<com.fasterxml.jackson.databind.JsonNode> logs = request.eventNodes();
        assertThat(logs).hasSize(2);
        for (int i = 0; i < logs.size(); i++) {
            AuditEvent event = batch.events().get(i);
            assertThat(logs.get(i).path("class_uid").asInt()).isEqualTo(6003);
            // objects are contents holding their compact JSON, as a logstore reader gets them
            assertThat(SlsEndpoint.JSON
                            .readTree(logs.get(i).path("metadata").asText())
                            .path("uid")
                            .asText())
                    .isEqualTo(event.eventId());
            assertThat(logs.get(i).has("eventName"))
                    .as("not the journal's JSON")
                    .isFalse();
            Logs.Log log = java.util.Objects.requireNonNull(request.logGroup()).getLogs(i);
            assertThat(log.getTime()).isEqualTo(event.eventTime().getEpochSecond());
        }
        assertThatThrownBy(() -> builder().format(io.actiontrail.format.EventFormats.cloudEventsBinary()))
                .isInstanceOfSatisfying(io.actiontrail.InvalidSettingException.class, e -> assertThat(e.setting())
                        .isEqualTo("format"));
    }

    @Test
    void aLineThatDoesNotDecodeIsRefusedInAnotherFormatWhileTheOthersAreSent() throws Exception {
        SlsAuditSink sink = sink(builder().format(io.actiontrail.format.EventFormats.cloudTrail()));
        AuditEvent good = events("CreateOrder", 1).get(0);
        AuditRecord broken = AuditRecord.ofEncoded(
                "e-broken",
                NOW,
                "{\"eventId\":\"e-broken\",\"eventTime\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        DeliveryException e = failureOf(sink, AuditBatch.of(List.of(AuditRecord.of(good), broken)));

        assertThat(e.isRetryable()).isFalse();
        assertThat(e.refused()).containsExactly("e-broken");
        assertThat(e.delivered()).containsExactly(good.eventId());
        assertThat(server.requests().get(0).eventNodes().get(0).path("eventID").asText())
                .isEqualTo(good.eventId());
    }

    @Test
    void sendsOneVerifiedPutLogsWithTopicSourceTagsAndAPackIdPerRequest() throws Exception {
        SlsAuditSink sink =
                sink(builder().topic("orders-audit").source("orders-7f9c").tag("env", "prod"));
        AuditBatch first = batch("Signed", 3);
        AuditBatch second = batch("Again", 1);

        sink.write(first);
        sink.write(second);

        List<SlsEndpoint.Received> requests = server.requests();
        assertThat(requests).hasSize(2).allSatisfy(r -> assertThat(r.verified())
                .as("checked like the service")
                .isTrue());
        SlsEndpoint.Received request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/logstores/events/shards/lb");
        assertThat(request.header("Host")).isEqualTo("audit.127.0.0.1:" + server.port());
        assertThat(request.header("x-log-compresstype")).isEqualTo("deflate");
        assertThat(request.header("x-log-apiversion")).isEqualTo("0.6.0");
        assertThat(request.header("Authorization")).startsWith("LOG " + KEY_ID + ":");
        assertThat(request.header("x-acs-security-token")).isNull();
        assertThat(request.events()).isEqualTo(first.events());
        Logs.LogGroup group = java.util.Objects.requireNonNull(request.logGroup());
        assertThat(group.getTopic()).isEqualTo("orders-audit");
        assertThat(group.getSource()).isEqualTo("orders-7f9c");
        assertThat(group.getLogTags(0).getKey()).isEqualTo("env");
        assertThat(group.getLogTags(0).getValue()).isEqualTo("prod");
        String firstPack = group.getLogTags(1).getValue();
        String secondPack = java.util.Objects.requireNonNull(requests.get(1).logGroup())
                .getLogTags(1)
                .getValue();
        assertThat(group.getLogTags(1).getKey()).isEqualTo(SlsAuditSink.PACK_ID_TAG);
        assertThat(firstPack).matches("[0-9A-F]{16}-1");
        assertThat(secondPack).isEqualTo(firstPack.substring(0, 17) + "2");
    }

    @Test
    void withoutCompressionTheLogGroupIsSentAsItIs() throws Exception {
        AuditBatch batch = batch("Plain", 2);

        sink(builder().compression(SlsAuditSink.Compression.NONE)).write(batch);

        SlsEndpoint.Received request = server.requests().get(0);
        assertThat(request.verified()).isTrue();
        assertThat(request.header("x-log-compresstype")).isNull();
        assertThat(request.header("x-log-bodyrawsize"))
                .isEqualTo(Integer.toString(request.body().remaining()));
        assertThat(request.events()).isEqualTo(batch.events());
    }

    @Test
    void aHostNameEndpointIsAddressedAsProjectDotEndpointAndAnAddressDirectlyWithTheProjectInHost() {
        SlsAuditSink region = sink(SlsAuditSink.builder("cn-hangzhou.log.aliyuncs.com", PROJECT, LOGSTORE)
                .credentials(KEY_ID, SECRET));
        assertThat(region.url()).hasToString("https://audit.cn-hangzhou.log.aliyuncs.com/logstores/events/shards/lb");
        assertThat(region.hostHeader()).isNull();
        assertThat(region.toString()).contains("endpoint=https://audit.cn-hangzhou.log.aliyuncs.com,");

        SlsAuditSink http =
                sink(SlsAuditSink.builder(" http://cn-shanghai-intranet.log.aliyuncs.com:8080/ ", PROJECT, LOGSTORE)
                        .credentials(KEY_ID, SECRET));
        assertThat(http.url())
                .hasToString("http://audit.cn-shanghai-intranet.log.aliyuncs.com:8080/logstores/events/shards/lb");

        SlsAuditSink ipv6 = sink(
                SlsAuditSink.builder("http://[::1]:8080", PROJECT, "my_store").credentials(KEY_ID, SECRET));
        assertThat(ipv6.url()).hasToString("http://[::1]:8080/logstores/my_store/shards/lb");
        assertThat(ipv6.hostHeader()).isEqualTo("audit.[::1]:8080");

        SlsAuditSink localhost =
                sink(SlsAuditSink.builder("http://localhost", PROJECT, LOGSTORE).credentials(KEY_ID, SECRET));
        assertThat(localhost.hostHeader()).isEqualTo("audit.localhost");
    }

    @Test
    void theDefaultTopicIsActiontrailAndTheDefaultSourceThisHostsName() throws Exception {
        SlsAuditSink sink = sink();

        sink.write(batch("Defaults", 1));

        Logs.LogGroup group =
                java.util.Objects.requireNonNull(server.requests().get(0).logGroup());
        assertThat(group.getTopic()).isEqualTo(SlsAuditSink.DEFAULT_TOPIC).isEqualTo("actiontrail");
        assertThat(group.getSource())
                .isEqualTo(sink.source())
                .isEqualTo(InetAddress.getLocalHost().getHostName());
    }

    @Test
    void cutsABatchIntoRequestsOfAtMostMaxBatchEventsAndMaxBatchBytes() throws Exception {
        AuditBatch batch = batch("Cut", 7);

        sink(builder().batching(SlsAuditSink.DEFAULT_BATCHING.withMaxEvents(3))).write(batch);

        assertThat(server.requests()).extracting(r -> r.events().size()).containsExactly(3, 3, 1);
        assertThat(server.acceptedEventIds()).containsExactlyElementsOf(ids(batch));

        SlsEndpoint bytes = SlsEndpoint.start().project(PROJECT, LOGSTORE).accessKey(KEY_ID, SECRET);
        try {
            int limit = 600; // about three of these events
            SlsAuditSink small = sink(SlsAuditSink.builder(bytes.endpoint(), PROJECT, LOGSTORE)
                    .credentials(KEY_ID, SECRET)
                    .batching(SlsAuditSink.DEFAULT_BATCHING.withMaxBytes(limit)));
            small.write(batch);
            assertThat(bytes.requests()).hasSizeGreaterThan(1).allSatisfy(r -> assertThat(
                            java.util.Objects.requireNonNull(r.logGroup()).getSerializedSize())
                    .isLessThanOrEqualTo(limit));
            assertThat(bytes.acceptedEventIds()).containsExactlyElementsOf(ids(batch));
        } finally {
            bytes.close();
        }
    }

    @Test
    void aPartialDeliverySaysWhichEventsAreDeliveredSoThatOnlyTheOthersAreSentAgain() throws Exception {
        SlsAuditSink sink = sink(builder().batching(SlsAuditSink.DEFAULT_BATCHING.withMaxEvents(2)));
        AuditBatch batch = batch("Partial", 5);
        server.answerNext(200, "", "");
        server.answerNext(503, "ServerBusy", "The server is busy, please try again later.");

        DeliveryException busy = failureOf(sink, batch);
        assertThat(busy.delivered())
                .containsExactlyInAnyOrderElementsOf(ids(batch).subList(0, 2));
        assertThat(busy.refused()).isEmpty();
        sink.write(rest(batch, busy)); // what the pipeline sends again

        assertThat(busy.isRetryable()).isTrue();
        assertThat(busy.errorCode()).isEqualTo("ServerBusy");
        assertThat(busy.getMessage()).contains("2 of the batch's 5 events are delivered, and only the others");
        assertThat(server.requests()).extracting(r -> r.events().size()).containsExactly(2, 2, 2, 1);
        assertThat(server.acceptedEventIds()).containsExactlyElementsOf(ids(batch));
    }

    @Test
    void anEventTooLargeEvenAloneIsRefusedWithoutBeingSentAndTheOthersAreDelivered() throws Exception {
        SlsAuditSink sink = sink(builder().maxRequestBytes(4096));
        List<AuditEvent> events = events("Sized", 3);
        AuditEvent huge = AuditEvent.builder("Huge")
                .requestParameter("blob", "x".repeat(6000))
                .build();
        events.add(1, huge);

        DeliveryException e = failureOf(sink, AuditBatch.ofEvents(events));

        assertThat(e.isRetryable()).isFalse();
        assertThat(e.errorCode()).isEqualTo(SlsAuditSink.EVENT_TOO_LARGE);
        assertThat(e.getMessage())
                .contains("1 of 4 events refused for good (the other 3 are delivered", huge.eventId())
                .contains("more than the 4096 bytes");
        assertThat(e.refused()).containsExactly(huge.eventId());
        assertThat(e.delivered())
                .containsExactlyInAnyOrder(
                        events.get(0).eventId(),
                        events.get(2).eventId(),
                        events.get(3).eventId());
        assertThat(server.acceptedEventIds())
                .containsExactly(
                        events.get(0).eventId(),
                        events.get(2).eventId(),
                        events.get(3).eventId());
        assertThat(sink.maxRequestBytes()).isEqualTo(4096);
    }

    @Test
    void a413IsSentAgainInHalvesAndASingleEventStillTooLargeIsRefused() throws Exception {
        SlsAuditSink sink = sink();
        AuditBatch batch = batch("Halved", 4);
        server.answerNext(413, "PostBodyTooLarge", "body size 4 must little than 3");
        server.answerNext(413, "PostBodyTooLarge", "body size 2 must little than 1");

        sink.write(batch);

        assertThat(server.requests()).extracting(r -> r.events().size()).containsExactly(4, 2, 1, 1, 2);
        assertThat(server.acceptedEventIds()).containsExactlyElementsOf(ids(batch));

        server.answerNext(413, "PostBodyTooLarge", "body size 1 must little than 0");
        DeliveryException alone = failureOf(sink, batch("Alone", 1));
        assertThat(alone.isRetryable()).isFalse();
        assertThat(alone.errorCode()).isEqualTo("PostBodyTooLarge");
        assertThat(alone.getMessage()).contains("1 of 1 events refused", "too large even alone", "HTTP 413");
        assertThat(alone.refused()).hasSize(1);
        assertThat(alone.delivered()).isEmpty();
    }

    @Test
    void anEventThatIsNotAJsonObjectIsRefusedAndTheOthersAreDelivered() throws Exception {
        AuditRecord good = AuditRecord.of(AuditEvent.builder("Good").build());
        AuditRecord broken = AuditRecord.ofEncoded(
                "01960000-0000-7000-8000-0000000000bb", NOW, "[\"not an object\"]".getBytes(StandardCharsets.UTF_8));

        DeliveryException e = failureOf(sink(), AuditBatch.of(List.of(broken, good)));

        assertThat(e.isRetryable()).isFalse();
        assertThat(e.errorCode()).isEqualTo(SlsAuditSink.INVALID_EVENT);
        assertThat(e.getMessage()).contains("1 of 2 events refused", broken.eventId(), "not a JSON object");
        assertThat(e.refused()).containsExactly(broken.eventId());
        assertThat(e.delivered()).containsExactly(good.eventId());
        assertThat(server.acceptedEventIds()).containsExactly(good.eventId());
    }

    @ParameterizedTest(name = "HTTP {0} {1} retryable={2}")
    @CsvSource({
        "401, SignatureNotMatch, true",
        "401, Unauthorized, true",
        "403, WriteQuotaExceed, true",
        "403, ShardWriteQuotaExceed, true",
        "403, ProjectForbidden, true",
        "404, ProjectNotExist, true",
        "404, LogStoreNotExist, true",
        "408, RequestTimeout, true",
        "429, ExceedQPSLimit, true",
        "500, InternalServerError, true",
        "502, BadGateway, true",
        "503, ServerBusy, true",
        "400, RequestTimeExpired, true",
        "400, PostBodyInvalid, false",
        "400, InvalidCompressType, false",
        "400, InvalidBodyRawSize, false",
        "411, MissingContentLength, false",
        "415, InvalidContentType, false"
    })
    void eachAnswerOfTheServiceIsRetriedOrRefusedWithItsCodeAndRequestId(int status, String code, boolean retryable)
            throws Exception {
        server.answerNext(status, code, "scripted " + code);
        server.answerNext(status, code, "scripted " + code); // OkHttp itself repeats a request answered 408 once

        DeliveryException e = failureOf(sink(), batch("Answer", 2));

        assertThat(e.isRetryable()).isEqualTo(retryable);
        assertThat(e.errorCode()).isEqualTo(code);
        assertThat(e.getMessage())
                .contains("HTTP " + status + " " + code + ": scripted " + code + " (request id ")
                .contains("project 'audit', logstore 'events' at http://127.0.0.1:" + server.port())
                .doesNotContain(SECRET);
        if (!retryable) {
            assertThat(e.getMessage()).startsWith("2 of 2 events refused for good");
        }
    }

    @Test
    void theServersOwnVerdictsOnProjectLogstoreKeyAndSignatureAreRetryable() throws Exception {
        record Case(SlsAuditSink.Builder builder, int status, String code) {}
        List<Case> cases = List.of(
                new Case(
                        SlsAuditSink.builder(server.endpoint(), "no-such-project", LOGSTORE)
                                .credentials(KEY_ID, SECRET),
                        404,
                        "ProjectNotExist"),
                new Case(
                        SlsAuditSink.builder(server.endpoint(), PROJECT, "no_such_store")
                                .credentials(KEY_ID, SECRET),
                        404,
                        "LogStoreNotExist"),
                new Case(builder().credentials(KEY_ID, "not-the-secret-0123456789"), 401, "SignatureNotMatch"),
                new Case(builder().credentials("LTAI5tUnknown", SECRET), 401, "Unauthorized"));
        for (Case c : cases) {
            DeliveryException e = failureOf(sink(c.builder()), batch("Verdict", 1));
            assertThat(e.isRetryable()).as(c.code()).isTrue();
            assertThat(e.errorCode()).as(c.code()).isEqualTo(c.code());
            assertThat(e.getMessage()).contains("HTTP " + c.status() + " " + c.code());
        }
        assertThat(server.requests()).hasSize(4).noneMatch(SlsEndpoint.Received::verified);
        assertThat(server.acceptedEventIds()).isEmpty();
    }

    @Test
    void honoursRetryAfterInSecondsOrAsADateCappedAtTheMaximum() throws Exception {
        SlsAuditSink sink = sink(builder()
                .transport(HttpTransport.builder()
                        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                        .maxRetryAfter(Duration.ofMinutes(2))
                        .build()));
        // the fixed clock dates requests in the past: every answer here is scripted
        AuditBatch batch = batch("Throttled", 1);

        server.answerNext(403, "WriteQuotaExceed", "Project write quota exceed", "Retry-After", "7");
        DeliveryException seconds = failureOf(sink, batch);
        assertThat(seconds.errorCode()).isEqualTo("WriteQuotaExceed");
        assertThat(seconds.retryAfter()).isEqualTo(Duration.ofSeconds(7));

        server.answerNext(
                503,
                "ServerBusy",
                "busy",
                "Retry-After",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atZone(ZoneOffset.UTC)));
        assertThat(failureOf(sink, batch).retryAfter()).isEqualTo(Duration.ofSeconds(90));

        server.answerNext(429, "ExceedQPSLimit", "slow down", "Retry-After", "86400");
        assertThat(failureOf(sink, batch).retryAfter()).as("capped").isEqualTo(Duration.ofMinutes(2));

        server.answerNext(403, "ShardWriteQuotaExceed", "shard quota");
        assertThat(failureOf(sink, batch).retryAfter()).as("no header").isNull();
    }

    @Test
    void classifiesRedirectsAsRetryableAndTheSizeLimitAsSplit() {
        assertThat(SlsAuditSink.classify(301, "301")).isEqualTo(SlsAuditSink.Verdict.RETRY);
        assertThat(SlsAuditSink.classify(413, "413")).isEqualTo(SlsAuditSink.Verdict.SPLIT);
        assertThat(SlsAuditSink.classify(400, "PostBodyTooLarge")).isEqualTo(SlsAuditSink.Verdict.SPLIT);
        assertThat(SlsAuditSink.classify(422, "422")).isEqualTo(SlsAuditSink.Verdict.REFUSE);
    }

    @Test
    void anAnswerThatIsNotTheServicesJsonUsesTheHttpStatusAsCodeAndTheStartOfTheBody() {
        Request request = new Request.Builder().url("http://127.0.0.1/").build();
        Response proxy = new Response.Builder()
                .request(request)
                .protocol(Protocol.HTTP_1_1)
                .code(502)
                .message("Bad Gateway")
                .body(ResponseBody.create("<html>\n  bad gateway " + "y".repeat(400) + "</html>", null))
                .build();

        ServiceError error = ServiceError.of(502, proxy, SlsCredentials.of(KEY_ID, SECRET));

        assertThat(error.code()).isEqualTo("502");
        assertThat(error.requestId()).isNull();
        assertThat(error.message())
                .startsWith("<html> bad gateway yyy")
                .endsWith("…")
                .hasSize(301);
        assertThat(error).hasToString("502: " + error.message());
    }

    @Test
    void stsCredentialsSendTheirTokenAndAWrongTokenIsUnauthorizedAndRetryable() throws Exception {
        server.stsKey(STS_KEY_ID, SECRET, TOKEN);
        SlsAuditSink sts = sink(builder().credentials(SlsCredentials.sts(STS_KEY_ID, SECRET, TOKEN)));

        sts.write(batch("Sts", 1));

        SlsEndpoint.Received request = server.requests().get(0);
        assertThat(request.verified()).isTrue();
        assertThat(request.header("x-acs-security-token")).isEqualTo(TOKEN);
        assertThat(request.header("Authorization")).startsWith("LOG " + STS_KEY_ID + ":");

        SlsAuditSink wrong = sink(builder().credentials(SlsCredentials.sts(STS_KEY_ID, SECRET, TOKEN + "x")));
        DeliveryException e = failureOf(wrong, batch("WrongToken", 1));
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.errorCode()).isEqualTo("Unauthorized");
        assertThat(e.getMessage()).contains("security token").doesNotContain(TOKEN, SECRET);
    }

    @Test
    void theCredentialsSupplierIsAskedForEveryRequestSoRenewedStsCredentialsAreUsed() throws Exception {
        server.stsKey(STS_KEY_ID, SECRET, TOKEN);
        AtomicReference<SlsCredentials> current =
                new AtomicReference<>(SlsCredentials.sts("STS.expired", "old-secret-0123456789", "old-token"));
        AtomicInteger asked = new AtomicInteger();
        SlsAuditSink sink = sink(builder().credentials(() -> {
            asked.incrementAndGet();
            return current.get();
        }));
        AuditBatch batch = batch("Rotated", 2);

        DeliveryException expired = failureOf(sink, batch);
        current.set(SlsCredentials.sts(STS_KEY_ID, SECRET, TOKEN));
        sink.write(batch);

        assertThat(expired.errorCode()).isEqualTo("Unauthorized");
        assertThat(asked).hasValue(2);
        assertThat(server.acceptedEventIds()).containsExactlyElementsOf(ids(batch));
        assertThat(sink.toString()).contains("credentials=supplied").doesNotContain(SECRET, TOKEN);
    }

    @Test
    void aFailingCredentialsSupplierIsRetryableSendsNothingAndNeverRepeatsWhatItSaid() {
        Supplier<SlsCredentials> throwing = () -> {
            throw new IllegalStateException("vault answered secret=leaked-vault-value");
        };
        @SuppressWarnings("NullAway") // a supplier that breaks its contract, as a broken vault client might
        Supplier<SlsCredentials> nullSupplier = () -> null;

        DeliveryException thrown = failureOf(sink(builder().credentials(throwing)), batch("Vault", 1));
        DeliveryException none = failureOf(sink(builder().credentials(nullSupplier)), batch("Vault", 1));

        assertThat(thrown.isRetryable()).isTrue();
        assertThat(thrown.errorCode()).isEqualTo(SlsAuditSink.CREDENTIALS_UNAVAILABLE);
        assertThat(thrown.getMessage())
                .contains("threw java.lang.IllegalStateException", "nothing was sent")
                .doesNotContain("leaked-vault-value");
        assertThat(thrown.getCause()).isNull();
        assertThat(none.errorCode()).isEqualTo(SlsAuditSink.CREDENTIALS_UNAVAILABLE);
        assertThat(none.getMessage()).contains("returned null");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void neverShowsTheSecretOrTheTokenEvenWhenAnAnswerEchoesThem() throws Exception {
        server.stsKey(STS_KEY_ID, SECRET, TOKEN);
        SlsCredentials credentials = SlsCredentials.sts(STS_KEY_ID, SECRET, TOKEN);
        SlsAuditSink sink = sink(builder().credentials(credentials));
        server.answerNext(500, "InternalServerError", "echo " + SECRET + " and " + TOKEN);

        DeliveryException e = failureOf(sink, batch("Hidden", 1));

        for (String shown : List.of(sink.toString(), credentials.toString(), String.valueOf(e.getMessage()))) {
            assertThat(shown).doesNotContain(SECRET, TOKEN);
        }
        assertThat(e.getMessage()).contains("echo **** and ****");
        assertThat(credentials.toString())
                .isEqualTo("SlsCredentials[accessKeyId=" + STS_KEY_ID + ", accessKeySecret=****, securityToken=****]");
        assertThat(SlsCredentials.of(KEY_ID, SECRET).toString()).doesNotContain("securityToken");
        assertThat(sink.toString()).contains(STS_KEY_ID, "project=audit", "logstore=events");
    }

    @Test
    void aConnectionFailureIsRetryableAndSaysTheServiceDidNotAnswer() {
        SlsAuditSink sink = sink();
        server.stop();

        DeliveryException e = failureOf(sink, batch("Down", 1));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.errorCode()).isNull();
        assertThat(e.getMessage())
                .contains("failed before Log Service answered")
                .doesNotContain(SECRET);
    }

    @Test
    void closesOnlyTheClientItCreated() throws Exception {
        OkHttpClient borrowed = new OkHttpClient();
        try {
            SlsAuditSink borrowing = builder()
                    .transport(HttpTransport.builder().client(borrowed).build())
                    .build();
            borrowing.write(batch("Borrowed", 1));
            borrowing.close();
            assertThat(borrowed.dispatcher().executorService().isShutdown()).isFalse();

            SlsAuditSink owning = builder().build();
            owning.write(batch("Owned", 1));
            owning.close();
            owning.close();
            assertThat(owning.transport()
                            .client()
                            .dispatcher()
                            .executorService()
                            .isShutdown())
                    .isTrue();
            assertThatThrownBy(() -> owning.write(batch("Closed", 1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        } finally {
            borrowed.dispatcher().executorService().shutdown();
            borrowed.connectionPool().evictAll();
        }
    }

    @Test
    @SuppressWarnings("NullAway") // null where the API says non-null: the messages must still name the setting
    void rejectsBadConfigurationNamingTheSetting() {
        String endpoint = "cn-hangzhou.log.aliyuncs.com";
        assertThatThrownBy(() -> SlsAuditSink.builder(null, PROJECT, LOGSTORE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint must not be null or blank");
        assertThatThrownBy(() -> SlsAuditSink.builder(" ", PROJECT, LOGSTORE))
                .hasMessage("endpoint must not be null or blank");
        assertThatThrownBy(() -> SlsAuditSink.builder("ftp://example.com", PROJECT, LOGSTORE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoint must be a host name")
                .hasMessageContaining("'ftp://example.com'");
        assertThatThrownBy(
                        () -> SlsAuditSink.builder("https://cn-hangzhou.log.aliyuncs.com/logstores", PROJECT, LOGSTORE))
                .hasMessageContaining("endpoint must be a host (and port) only");
        assertThatThrownBy(
                        () -> SlsAuditSink.builder("https://user:pw@cn-hangzhou.log.aliyuncs.com", PROJECT, LOGSTORE))
                .hasMessageContaining("without path, query or user info");
        assertThatThrownBy(() -> SlsAuditSink.builder(endpoint, null, LOGSTORE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("project must not be null or blank");
        // each refusal names its setting, so that an integration maps it without reading the message
        for (String[] bad : new String[][] {
            {"cn-hangzhou.log.aliyuncs.com/x", PROJECT, LOGSTORE, "endpoint"},
            {"cn-hangzhou.log.aliyuncs.com", "My_Project", LOGSTORE, "project"},
            {"cn-hangzhou.log.aliyuncs.com", PROJECT, "events/x", "logstore"}
        }) {
            assertThatThrownBy(() -> SlsAuditSink.builder(bad[0], bad[1], bad[2]))
                    .isInstanceOfSatisfying(io.actiontrail.InvalidSettingException.class, e -> assertThat(e.setting())
                            .isEqualTo(bad[3]));
        }
        assertThatThrownBy(() -> SlsCredentials.sts(KEY_ID, SECRET, " "))
                .isInstanceOfSatisfying(io.actiontrail.InvalidSettingException.class, e -> assertThat(e.setting())
                        .isEqualTo("securityToken"));
        assertThatThrownBy(() -> SlsAuditSink.builder(endpoint, "", LOGSTORE))
                .hasMessage("project must not be null or blank");
        assertThatThrownBy(() -> SlsAuditSink.builder(endpoint, "My_Project", LOGSTORE))
                .hasMessage("project must be 1 to 63 lowercase letters, digits or '-', starting and ending with a"
                        + " letter or digit: 'My_Project'");
        assertThatThrownBy(() -> SlsAuditSink.builder(endpoint, PROJECT, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logstore must not be null or blank");
        assertThatThrownBy(() -> SlsAuditSink.builder(endpoint, PROJECT, "\t"))
                .hasMessage("logstore must not be null or blank");
        assertThatThrownBy(() -> SlsAuditSink.builder(endpoint, PROJECT, "events/x"))
                .hasMessageContaining("logstore must be 1 to 63 lowercase letters, digits or '-' or '_'")
                .hasMessageContaining("'events/x'");

        SlsAuditSink.Builder b = SlsAuditSink.builder(endpoint, PROJECT, LOGSTORE);
        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("credentials are required: every PutLogs request is signed");
        assertThatThrownBy(() -> b.batching(SlsAuditSink.DEFAULT_BATCHING.withMaxEvents(40_961)))
                .hasMessage("batching.maxEvents must be at most 40960 (Log Service's limit per request): 40961");
        assertThatThrownBy(() -> b.batching(SlsAuditSink.DEFAULT_BATCHING.withMaxBytes(5L * 1024 * 1024 + 1)))
                .hasMessage("batching.maxBytes must be at most 5242880 (Log Service's limit per request): 5242881");
        assertThatThrownBy(() -> b.maxRequestBytes(0)).hasMessageContaining("maxRequestBytes must be between");
        assertThatThrownBy(() -> b.name(" ")).hasMessage("name must not be blank: ' '");
        assertThatThrownBy(() -> b.tag(" ", "v")).hasMessageContaining("tag key must not be blank");
        assertThatThrownBy(() -> b.tag(SlsAuditSink.PACK_ID_TAG, "v")).hasMessageContaining("which the sink sets");

        assertThatThrownBy(() -> SlsCredentials.of(" ", SECRET)).hasMessage("accessKeyId must not be null or blank");
        assertThatThrownBy(() -> SlsCredentials.of(KEY_ID, "")).hasMessage("accessKeySecret must not be null or blank");
        assertThatThrownBy(() -> SlsCredentials.of("LTAI 5t", SECRET))
                .hasMessage("accessKeyId must be printable ASCII without spaces: 'LTAI 5t'");
        assertThatThrownBy(() -> SlsCredentials.sts(KEY_ID, SECRET, null))
                .hasMessage("securityToken must not be null for an STS credential");
        assertThatThrownBy(() -> SlsCredentials.sts(KEY_ID, SECRET, " "))
                .hasMessage("securityToken must not be blank; leave it null for a permanent key");
        assertThatThrownBy(() -> SlsCredentials.sts(KEY_ID, SECRET, "token-secret\nX"))
                .hasMessage("securityToken must be printable ASCII without spaces");

        OkHttpClient client = new OkHttpClient();
        assertThatThrownBy(() -> SlsAuditSink.builder(endpoint, PROJECT, LOGSTORE)
                        .credentials(KEY_ID, SECRET)
                        .transport(HttpTransport.builder()
                                .client(client)
                                .callTimeout(Duration.ofSeconds(3))
                                .build())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set them on the given client");
        SlsAuditSink configured = sink(SlsAuditSink.builder(endpoint, PROJECT, LOGSTORE)
                .credentials(KEY_ID, SECRET)
                .name("audit-sls")
                .batching(SlsAuditSink.DEFAULT_BATCHING
                        .withMaxEvents(10)
                        .withMaxBytes(2048)
                        .withLinger(Duration.ofMillis(5)))
                .transport(HttpTransport.builder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .callTimeout(Duration.ofSeconds(4))
                        .build()));
        assertThat(configured.name()).isEqualTo("audit-sls");
        assertThat(configured.batching().maxEvents()).isEqualTo(10);
        assertThat(configured.batching().maxBytes()).isEqualTo(2048);
        assertThat(configured.batching().linger()).isEqualTo(Duration.ofMillis(5));
        assertThat(configured.transport().client().callTimeoutMillis()).isEqualTo(4000);
        assertThat(configured.transport().client().connectTimeoutMillis()).isEqualTo(2000);

        SlsAuditSink defaults =
                sink(SlsAuditSink.builder(endpoint, PROJECT, LOGSTORE).credentials(KEY_ID, SECRET));
        assertThat(defaults.name()).isEqualTo("sls");
        assertThat(defaults.batching().maxEvents()).isEqualTo(4096);
        assertThat(defaults.batching().maxBytes()).isEqualTo(3L * 1024 * 1024);
        assertThat(defaults.batching().linger()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.maxRequestBytes()).isEqualTo(5 * 1024 * 1024);
    }

    /** What the pipeline sends again after {@code failure}: the events it did not settle. */
    private static AuditBatch rest(AuditBatch batch, DeliveryException failure) {
        List<AuditRecord> rest = new ArrayList<>();
        for (AuditRecord record : batch.records()) {
            if (!failure.delivered().contains(record.eventId())
                    && !failure.refused().contains(record.eventId())) {
                rest.add(record);
            }
        }
        return AuditBatch.of(rest);
    }
}
