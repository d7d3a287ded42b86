package io.actiontrail.spring.autoconfigure;

import io.actiontrail.Durability;
import io.actiontrail.EventType;
import io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory;
import io.actiontrail.trail.EventSelector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code actiontrail.*} configuration properties. A property left unset keeps the default of
 * {@link io.actiontrail.ActionTrail.Builder}.
 *
 * <p>Not thread-safe: bound once at start-up, then only read.
 *
 * <p>Over 500 lines on purpose: one class per prefix is what Spring Boot binds and documents; the nested classes are the
 * {@code actiontrail.capture}, {@code .health}, {@code .console}, trail and sink groups.
 */
@ConfigurationProperties("actiontrail")
public final class ActionTrailProperties {

    /** Whether ActionTrail is configured at all. */
    private boolean enabled = true;

    /** The name of the application recording events; defaults to spring.application.name, else "application". */
    private @Nullable String serviceName;

    /** The deployment region written into every event, for example cn-hangzhou. */
    private @Nullable String region;

    /** The serving host or endpoint written into every event; defaults to the local host name. */
    private @Nullable String eventSource;

    /** How events are kept before every sink has them: sync, group (the embedded disk journal) or memory. */
    private @Nullable Durability durability;

    /** The directory of the embedded journal; defaults to ./actiontrail-data. */
    private @Nullable Path dataDir;

    /** How long journaled events are kept and can be looked up; defaults to 90 days. */
    private @Nullable Duration retention;

    /** The most disk space the journal uses; the oldest segments are deleted beyond it. Defaults to 10GB. */
    private @Nullable DataSize maxDiskBytes;

    /** The longest time between two fsyncs with group durability; defaults to 100ms. */
    private @Nullable Duration fsyncInterval;

    /** The size at which a journal segment is rolled; defaults to 64MB. */
    private @Nullable DataSize segmentBytes;

    /** The most bytes the memory journal holds; defaults to 64MB. */
    private @Nullable DataSize memoryCapacity;

    /** The cap on one encoded event; larger events are truncated, visibly. Defaults to 256KB. */
    private @Nullable DataSize maxEventBytes;

    /** How deep argument objects are followed when they are recorded; defaults to 12. */
    private @Nullable Integer maxArgumentDepth;

    /** The longest string kept in recorded arguments; defaults to 8192 characters. */
    private @Nullable Integer maxStringLength;

    /** How many elements of a collection, array or map are recorded; defaults to 256. */
    private @Nullable Integer maxCollectionElements;

    /** How long closing the application context waits for pending deliveries; defaults to 10s. */
    private @Nullable Duration shutdownTimeout;

    /** What is captured from Spring: controllers, request context, sign-in events. */
    private final Capture capture = new Capture();

    /** Health indicator settings. */
    private final Health health = new Health();

    /** The ActionTrail API (and, later, the console): off unless enabled. */
    private final Console console = new Console();

    /** Tamper evidence for the journal: a Merkle log with signed checkpoints. */
    private final Integrity integrity = new Integrity();

    /** Insights: unusual activity detected in process; on by default. */
    private final Insights insights = new Insights();

    /** Whether the journal keeps the secondary index behind lookups and aggregations; defaults to true. */
    private @Nullable Boolean queryIndex;

    /**
     * Trails by name: which events go to which sinks. When none is declared (here or as a Trail bean), one trail
     * named "main" takes every event to every declared sink, or to the SLF4J log when no sink is declared.
     */
    private Map<String, TrailProperties> trails = new LinkedHashMap<>();

    /** Sinks by name; each has a type (for example slf4j) and the settings of that type. */
    private Map<String, SinkProperties> sinks = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable String getServiceName() {
        return serviceName;
    }

    public void setServiceName(@Nullable String serviceName) {
        this.serviceName = serviceName;
    }

    public @Nullable String getRegion() {
        return region;
    }

    public void setRegion(@Nullable String region) {
        this.region = region;
    }

    public @Nullable String getEventSource() {
        return eventSource;
    }

    public void setEventSource(@Nullable String eventSource) {
        this.eventSource = eventSource;
    }

    public @Nullable Durability getDurability() {
        return durability;
    }

    public void setDurability(@Nullable Durability durability) {
        this.durability = durability;
    }

    public @Nullable Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(@Nullable Path dataDir) {
        this.dataDir = dataDir;
    }

    public @Nullable Duration getRetention() {
        return retention;
    }

    public void setRetention(@Nullable Duration retention) {
        this.retention = retention;
    }

    public @Nullable DataSize getMaxDiskBytes() {
        return maxDiskBytes;
    }

    public void setMaxDiskBytes(@Nullable DataSize maxDiskBytes) {
        this.maxDiskBytes = maxDiskBytes;
    }

    public @Nullable Duration getFsyncInterval() {
        return fsyncInterval;
    }

    public void setFsyncInterval(@Nullable Duration fsyncInterval) {
        this.fsyncInterval = fsyncInterval;
    }

    public @Nullable DataSize getSegmentBytes() {
        return segmentBytes;
    }

    public void setSegmentBytes(@Nullable DataSize segmentBytes) {
        this.segmentBytes = segmentBytes;
    }

    public @Nullable DataSize getMemoryCapacity() {
        return memoryCapacity;
    }

    public void setMemoryCapacity(@Nullable DataSize memoryCapacity) {
        this.memoryCapacity = memoryCapacity;
    }

    public @Nullable DataSize getMaxEventBytes() {
        return maxEventBytes;
    }

    public void setMaxEventBytes(@Nullable DataSize maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    public @Nullable Integer getMaxArgumentDepth() {
        return maxArgumentDepth;
    }

    public void setMaxArgumentDepth(@Nullable Integer maxArgumentDepth) {
        this.maxArgumentDepth = maxArgumentDepth;
    }

    public @Nullable Integer getMaxStringLength() {
        return maxStringLength;
    }

    public void setMaxStringLength(@Nullable Integer maxStringLength) {
        this.maxStringLength = maxStringLength;
    }

    public @Nullable Integer getMaxCollectionElements() {
        return maxCollectionElements;
    }

    public void setMaxCollectionElements(@Nullable Integer maxCollectionElements) {
        this.maxCollectionElements = maxCollectionElements;
    }

    public @Nullable Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(@Nullable Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public Capture getCapture() {
        return capture;
    }

    public Health getHealth() {
        return health;
    }

    public Insights getInsights() {
        return insights;
    }

    public Integrity getIntegrity() {
        return integrity;
    }

    public @Nullable Boolean getQueryIndex() {
        return queryIndex;
    }

    public void setQueryIndex(@Nullable Boolean queryIndex) {
        this.queryIndex = queryIndex;
    }

    public Console getConsole() {
        return console;
    }

    public Map<String, TrailProperties> getTrails() {
        return trails;
    }

    public void setTrails(Map<String, TrailProperties> trails) {
        this.trails = trails;
    }

    public Map<String, SinkProperties> getSinks() {
        return sinks;
    }

    public void setSinks(Map<String, SinkProperties> sinks) {
        this.sinks = sinks;
    }

    /** How a request's channel ({@code eventType}) is decided. Immutable and thread-safe. */
    public enum ChannelRule {
        /** ConsoleOperation for a browser session (a session cookie and no Authorization header), else ApiCall. */
        AUTO,
        /** Always ApiCall. */
        API_CALL,
        /** Always ConsoleOperation. */
        CONSOLE_OPERATION
    }

    /** The {@code actiontrail.capture.*} properties. Not thread-safe: bound once, then only read. */
    public static final class Capture {

        /** Whether every @Controller/@RestController handler of a mutating HTTP method is audited. */
        private boolean controllers = true;

        /** Whether GET, HEAD and OPTIONS handlers are audited too, as Read events. */
        private boolean readMethods = false;

        /**
         * Whether a handler without @Audited takes its resources from its URI pattern: /owners/{ownerId}/pets/{petId}
         * is the Pet petId of the Owner ownerId; a creation is named from where it redirects.
         */
        private boolean resourcesFromPaths = true;

        /**
         * Addresses or CIDR blocks of the proxies allowed to set X-Forwarded-For and Forwarded; from any other remote
         * address those headers are ignored.
         */
        private List<String> trustedProxies = new ArrayList<>();

        /** The keys whose values are redacted, replacing the defaults (password, secret, token, ...). */
        private @Nullable List<String> redactKeys;

        /** The header carrying the request id; echoed back, with a generated id when the request had none. */
        private String requestIdHeader = "X-Request-Id";

        /** The claim or attribute of the authenticated principal that names the tenant (userIdentity.accountId). */
        private @Nullable String tenantAttribute;

        /** How the channel (eventType) of a request is decided. */
        private ChannelRule eventType = ChannelRule.AUTO;

        /** Whether Spring Security sign-in, failed sign-in and sign-out become ConsoleSignin/ConsoleSignout events. */
        private boolean signInEvents = true;

        public boolean isControllers() {
            return controllers;
        }

        public void setControllers(boolean controllers) {
            this.controllers = controllers;
        }

        public boolean isReadMethods() {
            return readMethods;
        }

        public void setReadMethods(boolean readMethods) {
            this.readMethods = readMethods;
        }

        public boolean isResourcesFromPaths() {
            return resourcesFromPaths;
        }

        public void setResourcesFromPaths(boolean resourcesFromPaths) {
            this.resourcesFromPaths = resourcesFromPaths;
        }

        public List<String> getTrustedProxies() {
            return trustedProxies;
        }

        public void setTrustedProxies(List<String> trustedProxies) {
            this.trustedProxies = trustedProxies;
        }

        public @Nullable List<String> getRedactKeys() {
            return redactKeys;
        }

        public void setRedactKeys(@Nullable List<String> redactKeys) {
            this.redactKeys = redactKeys;
        }

        public String getRequestIdHeader() {
            return requestIdHeader;
        }

        public void setRequestIdHeader(String requestIdHeader) {
            this.requestIdHeader = requestIdHeader;
        }

        public @Nullable String getTenantAttribute() {
            return tenantAttribute;
        }

        public void setTenantAttribute(@Nullable String tenantAttribute) {
            this.tenantAttribute = tenantAttribute;
        }

        public ChannelRule getEventType() {
            return eventType;
        }

        public void setEventType(ChannelRule eventType) {
            this.eventType = eventType;
        }

        public boolean isSignInEvents() {
            return signInEvents;
        }

        public void setSignInEvents(boolean signInEvents) {
            this.signInEvents = signInEvents;
        }
    }

    /** The {@code actiontrail.console.*} properties. Not thread-safe: bound once, then only read. */
    public static final class Console {

        /** Whether the ActionTrail API is served; off by default: the trail is sensitive. */
        private boolean enabled = false;

        /** Where it is served: the API below {@code <path>/api}. */
        private String path = "/actiontrail";

        /** The authority a caller needs, through Spring Security. */
        private String authority = "ROLE_ACTIONTRAIL_AUDITOR";

        /**
         * Without Spring Security: the SHA-256 (hexadecimal) of the bearer token callers present; the API refuses to
         * start without it. Never the token itself.
         */
        private @Nullable String tokenSha256;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public String getAuthority() {
            return authority;
        }

        public void setAuthority(String authority) {
            this.authority = authority;
        }

        public @Nullable String getTokenSha256() {
            return tokenSha256;
        }

        public void setTokenSha256(@Nullable String tokenSha256) {
            this.tokenSha256 = tokenSha256;
        }
    }

    /**
     * The {@code actiontrail.integrity.*} properties: on when a key file is set (or a {@code CheckpointSigner} bean
     * exists). Not thread-safe: bound once, then only read.
     */
    public static final class Integrity {

        /** The Ed25519 private key (PKCS#8, PEM or DER) that signs checkpoints; never logged. */
        private @Nullable Path keyFile;

        /** The key's name in signed notes; defaults to the origin. */
        private @Nullable String keyName;

        /** The log's origin line; defaults to "<service-name>/actiontrail". */
        private @Nullable String origin;

        /** The longest time between checkpoints while events arrive; defaults to 1s. */
        private @Nullable Duration checkpointInterval;

        /** The longest time between checkpoints while none arrive (the heartbeat); defaults to 1m. */
        private @Nullable Duration heartbeatInterval;

        public @Nullable Path getKeyFile() {
            return keyFile;
        }

        public void setKeyFile(@Nullable Path keyFile) {
            this.keyFile = keyFile;
        }

        public @Nullable String getKeyName() {
            return keyName;
        }

        public void setKeyName(@Nullable String keyName) {
            this.keyName = keyName;
        }

        public @Nullable String getOrigin() {
            return origin;
        }

        public void setOrigin(@Nullable String origin) {
            this.origin = origin;
        }

        public @Nullable Duration getCheckpointInterval() {
            return checkpointInterval;
        }

        public void setCheckpointInterval(@Nullable Duration checkpointInterval) {
            this.checkpointInterval = checkpointInterval;
        }

        public @Nullable Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        public void setHeartbeatInterval(@Nullable Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }
    }

    /**
     * The {@code actiontrail.insights.*} properties: the detection rule's parameters, the types and the event-name
     * patterns; unset values keep the core defaults. Not thread-safe: bound once, then only read.
     */
    public static final class Insights {

        /** Whether insights run; defaults to true. */
        private boolean enabled = true;

        /** Types turned on or off, by name (api-call-rate, api-error-rate, ip, access-key, trail-concealment, …). */
        private Map<io.actiontrail.insights.InsightType, Boolean> types = new LinkedHashMap<>();

        /** k: standard deviations above the baseline mean; defaults to 4. */
        private @Nullable Double deviations;

        /** r: multiple of the baseline mean; defaults to 3. */
        private @Nullable Double ratio;

        /** The fewest events per minute that can be unusual; defaults to 10. */
        private @Nullable Double floor;

        /** The floor until a counter has a day of history; defaults to 30. */
        private @Nullable Double coldStartFloor;

        /** m: minutes above the threshold to start an insight and under it to end one; defaults to 2. */
        private @Nullable Integer minutes;

        /** How long networks and access keys are learnt before new ones are insights; defaults to 1d. */
        private @Nullable Duration learningPeriod;

        /** The silence after which an access key's use is an insight; defaults to 30d. */
        private @Nullable Duration accessKeySilence;

        /** The most counters tracked; defaults to 10000 (under 16 MB of heap). */
        private @Nullable Integer maxKeys;

        /** Event-name globs of password changes; defaults to the verbs that change one (*ChangePassword*, *ResetPassword*, ...). */
        private @Nullable List<String> passwordPatterns;

        /** Event-name globs of policy changes; defaults to the verbs that change one (Attach*Policy*, Grant*, ...). */
        private @Nullable List<String> policyPatterns;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Map<io.actiontrail.insights.InsightType, Boolean> getTypes() {
            return types;
        }

        public void setTypes(Map<io.actiontrail.insights.InsightType, Boolean> types) {
            this.types = types;
        }

        public @Nullable Double getDeviations() {
            return deviations;
        }

        public void setDeviations(@Nullable Double deviations) {
            this.deviations = deviations;
        }

        public @Nullable Double getRatio() {
            return ratio;
        }

        public void setRatio(@Nullable Double ratio) {
            this.ratio = ratio;
        }

        public @Nullable Double getFloor() {
            return floor;
        }

        public void setFloor(@Nullable Double floor) {
            this.floor = floor;
        }

        public @Nullable Double getColdStartFloor() {
            return coldStartFloor;
        }

        public void setColdStartFloor(@Nullable Double coldStartFloor) {
            this.coldStartFloor = coldStartFloor;
        }

        public @Nullable Integer getMinutes() {
            return minutes;
        }

        public void setMinutes(@Nullable Integer minutes) {
            this.minutes = minutes;
        }

        public @Nullable Duration getLearningPeriod() {
            return learningPeriod;
        }

        public void setLearningPeriod(@Nullable Duration learningPeriod) {
            this.learningPeriod = learningPeriod;
        }

        public @Nullable Duration getAccessKeySilence() {
            return accessKeySilence;
        }

        public void setAccessKeySilence(@Nullable Duration accessKeySilence) {
            this.accessKeySilence = accessKeySilence;
        }

        public @Nullable Integer getMaxKeys() {
            return maxKeys;
        }

        public void setMaxKeys(@Nullable Integer maxKeys) {
            this.maxKeys = maxKeys;
        }

        public @Nullable List<String> getPasswordPatterns() {
            return passwordPatterns;
        }

        public void setPasswordPatterns(@Nullable List<String> passwordPatterns) {
            this.passwordPatterns = passwordPatterns;
        }

        public @Nullable List<String> getPolicyPatterns() {
            return policyPatterns;
        }

        public void setPolicyPatterns(@Nullable List<String> policyPatterns) {
            this.policyPatterns = policyPatterns;
        }
    }

    /** The {@code actiontrail.health.*} properties. Not thread-safe: bound once, then only read. */
    public static final class Health {

        /** How long a sink may keep failing, without a successful delivery, before its trail is reported DOWN. */
        private Duration downAfter = Duration.ofMinutes(5);

        public Duration getDownAfter() {
            return downAfter;
        }

        public void setDownAfter(Duration downAfter) {
            this.downAfter = downAfter;
        }
    }

    /** One {@code actiontrail.trails.<name>.*} entry. Not thread-safe: bound once, then only read. */
    public static final class TrailProperties {

        /** Which events the trail takes: read, write or all. */
        private EventSelector.ReadWriteType eventRw = EventSelector.ReadWriteType.ALL;

        /** Event-name globs the trail takes, for example Create*; empty takes every name. */
        private List<String> includeEvents = new ArrayList<>();

        /** Event-name globs the trail leaves out, even when included. */
        private List<String> excludeEvents = new ArrayList<>();

        /** Event types the trail takes, for example ApiCall or ConsoleSignin; empty takes every type. */
        private List<EventType> eventTypes = new ArrayList<>();

        /** Resource types the trail takes; empty takes events with any or no resource type. */
        private List<String> resourceTypes = new ArrayList<>();

        /** Names of the sinks the trail delivers to: entries of actiontrail.sinks, or AuditSink bean names. */
        private List<String> sinks = new ArrayList<>();

        /** Whether the trail logs from the start; it can be started and stopped at run time. */
        private boolean startLogging = true;

        public EventSelector.ReadWriteType getEventRw() {
            return eventRw;
        }

        public void setEventRw(EventSelector.ReadWriteType eventRw) {
            this.eventRw = eventRw;
        }

        public List<String> getIncludeEvents() {
            return includeEvents;
        }

        public void setIncludeEvents(List<String> includeEvents) {
            this.includeEvents = includeEvents;
        }

        public List<String> getExcludeEvents() {
            return excludeEvents;
        }

        public void setExcludeEvents(List<String> excludeEvents) {
            this.excludeEvents = excludeEvents;
        }

        public List<EventType> getEventTypes() {
            return eventTypes;
        }

        public void setEventTypes(List<EventType> eventTypes) {
            this.eventTypes = eventTypes;
        }

        public List<String> getResourceTypes() {
            return resourceTypes;
        }

        public void setResourceTypes(List<String> resourceTypes) {
            this.resourceTypes = resourceTypes;
        }

        public List<String> getSinks() {
            return sinks;
        }

        public void setSinks(List<String> sinks) {
            this.sinks = sinks;
        }

        public boolean isStartLogging() {
            return startLogging;
        }

        public void setStartLogging(boolean startLogging) {
            this.startLogging = startLogging;
        }
    }

    /**
     * One {@code actiontrail.sinks.<name>.*} entry: its type; the settings of that type are bound by the type's
     * {@link AuditSinkFactory} from the same prefix. Not thread-safe: bound once, then only read.
     */
    public static final class SinkProperties {

        /** The sink type, for example slf4j; the sink modules on the classpath each add their types. */
        private @Nullable String type;

        public @Nullable String getType() {
            return type;
        }

        public void setType(@Nullable String type) {
            this.type = type;
        }
    }
}
