package io.actiontrail.spring.console;

import io.actiontrail.ActionTrail;
import io.actiontrail.query.EventStore;
import io.actiontrail.spring.AuditIdentityProvider;
import io.actiontrail.spring.ConsoleTenantResolver;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Serves the ActionTrail API when {@code actiontrail.console.enabled} is true, in a servlet web application: below
 * {@code actiontrail.console.path}{@code /api}, after the application's security filters. Access always needs a
 * caller: with Spring Security, an authenticated one holding {@code actiontrail.console.authority}; without it, a
 * bearer token whose SHA-256 is {@code actiontrail.console.token-sha256}, without which the application does not start.
 */
@AutoConfiguration(after = ActionTrailAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "jakarta.servlet.Filter")
@ConditionalOnBean(ActionTrail.class)
@ConditionalOnBooleanProperty(name = "actiontrail.console.enabled")
public final class ActionTrailConsoleAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ActionTrailConsoleAutoConfiguration.class);

    /** The bean {@code ActionTrailAutoConfiguration} names the local journal's store by. */
    private static final String JOURNAL_STORE = "actionTrailJournalEventStore";

    private static final String SECURITY = "org.springframework.security.core.context.SecurityContextHolder";

    /** Creates the configuration; called by Spring. */
    public ActionTrailConsoleAutoConfiguration() {}

    /** The API, as a filter after Spring Security's ({@code -100}) and the audit context's ({@code -200}). */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1000)
    ConsoleApiFilter actionTrailConsoleApi(
            ActionTrail actionTrail,
            ActionTrailProperties properties,
            ObjectProvider<EventStore> stores,
            BeanFactory beans,
            ObjectProvider<ConsoleTenantResolver> tenants,
            ObjectProvider<AuditIdentityProvider> identities,
            ResourceLoader resources) {
        ActionTrailProperties.Console console = properties.getConsole();
        String path = console.getPath().strip();
        if (!path.startsWith("/") || path.endsWith("/") || path.contains("*")) {
            throw new InvalidConfigurationPropertyValueException(
                    "actiontrail.console.path", path, "must start with '/', not end with '/', and hold no '*'");
        }
        ConsoleAccess access;
        String how;
        if (ClassUtils.isPresent(SECURITY, resources.getClassLoader())) {
            if (console.getAuthority().isBlank()) {
                throw new InvalidConfigurationPropertyValueException(
                        "actiontrail.console.authority", console.getAuthority(), "must not be blank");
            }
            access = new SecurityConsoleAccess(console.getAuthority());
            how = "for authenticated callers with " + console.getAuthority();
        } else {
            String hash = console.getTokenSha256();
            if (hash == null || hash.isBlank()) {
                throw new InvalidConfigurationPropertyValueException(
                        "actiontrail.console.token-sha256",
                        null,
                        "the ActionTrail API is enabled without Spring Security: set the SHA-256 of a bearer token"
                                + " (for example `echo -n \"$TOKEN\" | sha256sum`), or add Spring Security");
            }
            try {
                access = new TokenConsoleAccess(hash);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationPropertyValueException(
                        "actiontrail.console.token-sha256", "(hidden)", e.getMessage());
            }
            how = "for callers with the bearer token";
        }
        // the journal's store bean, which a standalone server replaces with a directory opened read-only
        EventStore local = beans.containsBean(JOURNAL_STORE)
                ? beans.getBean(JOURNAL_STORE, EventStore.class)
                : actionTrail.eventStore();
        EventStore fleet =
                stores.orderedStream().filter(s -> s != local).findFirst().orElse(null);
        AuditIdentityProvider identity = () -> {
            AuditIdentityProvider provider = identities.getIfAvailable();
            return provider == null ? null : provider.currentIdentity();
        };
        ConsoleApi api = new ConsoleApi(actionTrail, local, fleet, tenants.getIfAvailable(), identity);
        String base = path + "/api";
        log.info(
                "ActionTrail: console at {}/ and API at {} {}{}{}",
                path,
                base,
                how,
                fleet == null ? "" : ", over the local journal and the fleet-wide store",
                tenants.getIfAvailable() == null ? "" : ", each caller limited to its tenant");
        return new ConsoleApiFilter(base, access, api);
    }
}
