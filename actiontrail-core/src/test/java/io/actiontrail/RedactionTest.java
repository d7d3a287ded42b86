package io.actiontrail;

import static io.actiontrail.CaptureTestSupport.array;
import static io.actiontrail.CaptureTestSupport.asObject;
import static io.actiontrail.CaptureTestSupport.object;
import static io.actiontrail.CaptureTestSupport.requestParameters;
import static io.actiontrail.CaptureTestSupport.responseElements;
import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.CaptureTestSupport.Harness;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Secrets never reach a recorded event: redaction by key, by {@link Sensitive} and by {@link AuditIgnore}. */
class RedactionTest {

    private static final String SECRET = "s3cr3t-Value-9f27";
    private static final String REDACTED = "<redacted>";

    interface AccountService {
        @Audited(eventName = "SignIn")
        void signIn(String userName, String password);

        @Audited(eventName = "Register")
        void register(Registration registration);

        @Audited(eventName = "StoreCard")
        void storeCard(StoredCard card);

        @Audited(eventName = "Verify")
        void verify(String userName, @Sensitive String otp, @AuditIgnore String internalNote);

        @Audited(eventName = "Configure")
        void configure(Map<String, Object> settings);

        @Audited(eventName = "IssueKey", captureResult = true)
        AccessKey issueKey(String userName);

        @Audited(eventName = "Enroll")
        void enroll(String userName, String pin);

        @Audited(eventName = "LookUpCustomer")
        void lookUpCustomer(String ssn, String password, String name);
    }

    /** The implementation marks {@code pin} sensitive, where the interface does not. */
    static final class DefaultAccountService implements AccountService {
        @Override
        public void signIn(String userName, String password) {}

        @Override
        public void register(Registration registration) {}

        @Override
        public void storeCard(StoredCard card) {}

        @Override
        public void verify(String userName, String otp, String internalNote) {}

        @Override
        public void configure(Map<String, Object> settings) {}

        @Override
        public AccessKey issueKey(String userName) {
            return new AccessKey("AK-1", SECRET);
        }

        @Override
        public void enroll(String userName, @Sensitive String pin) {}

        @Override
        public void lookUpCustomer(String ssn, String password, String name) {}
    }

    private Harness harness;
    private AccountService accounts;

    @BeforeEach
    void setUp() {
        harness = Harness.create();
        accounts = harness.proxy(AccountService.class, new DefaultAccountService());
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    /** Returns the one recorded event, after checking that the secret appears nowhere in its JSON. */
    private AuditEvent recordedWithoutSecret(Harness h) {
        AuditEvent event = h.onlyEvent();
        assertThat(event.toJson()).doesNotContain(SECRET);
        assertThat(h.sink.lines()).noneMatch(line -> line.contains(SECRET));
        return event;
    }

    private AuditEvent recordedWithoutSecret() {
        return recordedWithoutSecret(harness);
    }

    // --- default keys ---

    @ParameterizedTest
    @ValueSource(
            strings = {
                "password",
                "PASSWORD",
                "Password",
                "new_password",
                "secret",
                "clientSecret",
                "token",
                "access_token",
                "authorization",
                "Authorization",
                "credential",
                "credentials",
                "apiKey",
                "api_key",
                "X-Api-Key",
                "accessKeySecret",
                "access-key-secret",
                "cookie",
                "Set-Cookie"
            })
    void defaultKeyIsRedactedInAnEventBuiltByTheUser(String key) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put(key, SECRET);
        parameters.put("region", "eu-1");

        harness.record(AuditEvent.builder("Call").requestParameters(parameters).build());

        assertThat(requestParameters(recordedWithoutSecret()))
                .containsEntry(key, REDACTED)
                .containsEntry("region", "eu-1");
    }

    @Test
    void secretsInNestedMapsAndListsAreRedacted() {
        Map<String, Object> parameters = Map.of(
                "config", Map.of("database", Map.of("host", "db.internal", "Password", SECRET)),
                "headers", List.of(Map.of("Authorization", "Bearer " + SECRET, "Accept", "*/*")));

        harness.record(AuditEvent.builder("Call").requestParameters(parameters).build());

        Map<String, @Nullable Object> recorded = requestParameters(recordedWithoutSecret());
        assertThat(object(object(recorded, "config"), "database"))
                .containsEntry("host", "db.internal")
                .containsEntry("Password", REDACTED);
        assertThat(asObject(array(recorded, "headers").get(0)))
                .containsEntry("Authorization", REDACTED)
                .containsEntry("Accept", "*/*");
    }

    @Test
    void secretUnderAKeyIsRedactedWhateverItsValue() {
        harness.record(AuditEvent.builder("Call")
                .requestParameter("credentials", Map.of("user", "alice", "pass", SECRET))
                .build());

        assertThat(requestParameters(recordedWithoutSecret())).containsEntry("credentials", REDACTED);
    }

    @Test
    void secretsInResponseElementsAndAdditionalDataAreRedacted() {
        harness.record(AuditEvent.builder("Call")
                .responseElements(Map.of("sessionToken", SECRET, "expires", 3600))
                .additionalEventData("cookie", SECRET)
                .build());

        AuditEvent event = recordedWithoutSecret();
        assertThat(responseElements(event))
                .containsEntry("sessionToken", REDACTED)
                .containsEntry("expires", 3600L);
        assertThat(event.additionalEventData()).containsEntry("cookie", REDACTED);
    }

    @Test
    void secretsInAnEventDecodedFromJsonAreRedactedWhenRecorded() {
        AuditEvent foreign = AuditEvent.fromJson("{\"eventVersion\":\"1.0\",\"eventId\":\"e-1\","
                + "\"eventTime\":\"2025-01-02T03:04:05.000Z\",\"eventName\":\"Imported\","
                + "\"requestParameters\":{\"user\":\"bob\",\"nested\":{\"apiKey\":\"" + SECRET + "\"}}}");

        harness.record(foreign);

        assertThat(object(requestParameters(recordedWithoutSecret()), "nested")).containsEntry("apiKey", REDACTED);
    }

    @Test
    void eventBuiltFromAnotherEventsTreeIsRedactedBeforeItIsRecorded() {
        AuditEvent foreign = AuditEvent.fromJson("{\"eventVersion\":\"1.0\",\"eventId\":\"e-1\","
                + "\"eventTime\":\"2025-01-02T03:04:05.000Z\",\"eventName\":\"Imported\","
                + "\"requestParameters\":{\"user\":\"bob\",\"token\":\"" + SECRET + "\"}}");

        AuditEvent copy = AuditEvent.builder("Copy")
                .requestParameters(foreign.requestParameters())
                .build();

        assertThat(copy.toJson()).doesNotContain(SECRET);
        assertThat(copy.requestParameters()).containsEntry("token", REDACTED).containsEntry("user", "bob");
    }

    @Test
    void parameterNamedLikeASecretIsRedacted() {
        accounts.signIn("alice", SECRET);

        assertThat(requestParameters(recordedWithoutSecret()))
                .containsEntry("userName", "alice")
                .containsEntry("password", REDACTED);
    }

    @Test
    void nestedMapArgumentIsRedactedWithSeparatorsAndCaseIgnored() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("X-Api-Key", SECRET);
        settings.put("mail", Map.of("SMTP_PASSWORD", SECRET, "host", "smtp.example.com"));

        accounts.configure(settings);

        Map<String, @Nullable Object> recorded = object(requestParameters(recordedWithoutSecret()), "settings");
        assertThat(recorded).containsEntry("X-Api-Key", REDACTED);
        assertThat(object(recorded, "mail"))
                .containsEntry("SMTP_PASSWORD", REDACTED)
                .containsEntry("host", "smtp.example.com");
    }

    @Test
    void beanPropertyNamedLikeASecretIsRedacted() {
        accounts.register(new Registration("alice", SECRET, "+1-555-0100", "newsletter"));

        assertThat(object(requestParameters(recordedWithoutSecret()), "registration"))
                .containsEntry("userName", "alice")
                .containsEntry("password", REDACTED);
    }

    @Test
    void resultPropertyNamedLikeASecretIsRedacted() {
        AccessKey key = accounts.issueKey("alice");

        assertThat(key.accessKeySecret()).as("the caller still gets the secret").isEqualTo(SECRET);
        assertThat(responseElements(recordedWithoutSecret()))
                .containsEntry("accessKeyId", "AK-1")
                .containsEntry("accessKeySecret", REDACTED);
    }

    // --- configured keys ---

    @Test
    void configuredKeysReplaceTheDefaults() {
        try (Harness custom = Harness.create(b -> b.redactKeys(Set.of("ssn")))) {
            AccountService proxy = custom.proxy(AccountService.class, new DefaultAccountService());

            proxy.lookUpCustomer(SECRET, "not-a-secret-here", "Bob");

            assertThat(requestParameters(recordedWithoutSecret(custom)))
                    .containsEntry("ssn", REDACTED)
                    .containsEntry("password", "not-a-secret-here")
                    .containsEntry("name", "Bob");
        }
    }

    @Test
    void configuredKeysApplyToEventsBuiltByTheUser() {
        try (Harness custom = Harness.create(b -> b.redactKeys(Set.of("ssn")))) {
            custom.record(AuditEvent.builder("Call")
                    .requestParameters(Map.of("customer", Map.of("SSN", SECRET, "name", "Bob")))
                    .additionalEventData("customer_ssn", SECRET)
                    .build());

            AuditEvent event = recordedWithoutSecret(custom);
            assertThat(object(requestParameters(event), "customer"))
                    .containsEntry("SSN", REDACTED)
                    .containsEntry("name", "Bob");
            assertThat(event.additionalEventData()).containsEntry("customer_ssn", REDACTED);
        }
    }

    @Test
    void redactionByKeyCanBeTurnedOffForAuditedCalls() {
        try (Harness none = Harness.create(b -> b.redactKeys(Set.of()))) {
            AccountService proxy = none.proxy(AccountService.class, new DefaultAccountService());

            proxy.signIn("alice", "visible-by-configuration");

            assertThat(requestParameters(none.onlyEvent())).containsEntry("password", "visible-by-configuration");
        }
    }

    @Test
    void noConfiguredKeysStillHonourSensitiveAndAuditIgnore() {
        try (Harness none = Harness.create(b -> b.redactKeys(Set.of()))) {
            AccountService proxy = none.proxy(AccountService.class, new DefaultAccountService());

            proxy.verify("alice", SECRET, "ticket-7");

            assertThat(requestParameters(recordedWithoutSecret(none)))
                    .containsOnlyKeys("userName", "otp")
                    .containsEntry("otp", REDACTED);
        }
    }

    // --- annotations ---

    @Test
    void sensitiveParameterIsRedactedAndIgnoredParameterIsLeftOut() {
        accounts.verify("alice", SECRET, "ticket-7");

        AuditEvent event = recordedWithoutSecret();
        assertThat(requestParameters(event))
                .containsOnlyKeys("userName", "otp")
                .containsEntry("userName", "alice")
                .containsEntry("otp", REDACTED);
        assertThat(event.toJson()).doesNotContain("ticket-7").doesNotContain("internalNote");
    }

    @Test
    void sensitiveParameterOnTheImplementationIsRedacted() {
        accounts.enroll("alice", SECRET);

        assertThat(requestParameters(recordedWithoutSecret())).containsEntry("pin", REDACTED);
    }

    @Test
    void sensitiveFieldIsRedactedAndIgnoredFieldIsLeftOut() {
        accounts.register(new Registration("alice", "pw-" + SECRET, SECRET, "partner-campaign"));

        AuditEvent event = recordedWithoutSecret();
        Map<String, @Nullable Object> registration = object(requestParameters(event), "registration");
        assertThat(registration)
                .containsEntry("phone", REDACTED)
                .doesNotContainKey("referrer")
                .containsKeys("userName", "password");
        assertThat(event.toJson()).doesNotContain("partner-campaign");
    }

    @Test
    void sensitiveRecordComponentIsRedactedAndIgnoredComponentIsLeftOut() {
        accounts.storeCard(new StoredCard("Alice Example", SECRET, "risk-score-17"));

        AuditEvent event = recordedWithoutSecret();
        assertThat(object(requestParameters(event), "card"))
                .containsOnlyKeys("holder", "number")
                .containsEntry("holder", "Alice Example")
                .containsEntry("number", REDACTED);
        assertThat(event.toJson()).doesNotContain("risk-score-17");
    }

    @Test
    void sensitiveFieldIsRedactedInEventsBuiltByTheUser() {
        harness.record(AuditEvent.builder("Call")
                .requestParameter("card", new StoredCard("Alice Example", SECRET, "risk-score-17"))
                .build());

        AuditEvent event = recordedWithoutSecret();
        assertThat(object(requestParameters(event), "card")).containsEntry("number", REDACTED);
        assertThat(event.toJson()).doesNotContain("risk-score-17");
    }

    // --- fixtures ---

    static final class Registration {
        private final String userName;
        private final String password;

        @Sensitive
        private final String phone;

        @AuditIgnore
        private final String referrer;

        Registration(String userName, String password, String phone, String referrer) {
            this.userName = userName;
            this.password = password;
            this.phone = phone;
            this.referrer = referrer;
        }

        public String getUserName() {
            return userName;
        }

        public String getPassword() {
            return password;
        }

        public String getPhone() {
            return phone;
        }

        public String getReferrer() {
            return referrer;
        }
    }

    record StoredCard(
            String holder,
            @Sensitive String number,
            @AuditIgnore String riskNote) {}

    record AccessKey(String accessKeyId, String accessKeySecret) {}
}
