package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.sink.AuditSink;
import io.actiontrail.transport.http.HttpTransport;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The settings the HTTP sink types share on top of batching, {@code connect-timeout}, {@code call-timeout} and
 * {@code max-retry-after}, and the {@link HttpTransport} they make. Not thread-safe: bound once.
 */
public abstract class HttpSinkSettings extends BatchSettings {

    /** The connect timeout; defaults to 10s. */
    private @Nullable Duration connectTimeout;

    /** The timeout of a whole request, from connecting to reading the answer; defaults to the sink type's own. */
    private @Nullable Duration callTimeout;

    /** The longest Retry-After of the destination that is honoured; longer ones are cut to this. Defaults to 5m. */
    private @Nullable Duration maxRetryAfter;

    /**
     * Builds the sink with a transport made of these settings, which the returned sink closes after itself; when none
     * is set, the sink's own default transport. A refused value fails naming its property.
     */
    public final AuditSink build(
            SinkDefinition definition,
            Duration defaultCallTimeout,
            Consumer<HttpTransport> useTransport,
            Supplier<AuditSink> build) {
        HttpTransport transport = transport(definition, defaultCallTimeout);
        if (transport == null) {
            return build.get();
        }
        try {
            useTransport.accept(transport);
            return new OwningAuditSink(build.get(), transport::close);
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /**
     * Returns a transport made of these settings, which the caller closes; {@code null} when none is set, so that
     * the sink's own default applies. A refused value fails naming its property.
     */
    public final @Nullable HttpTransport transport(SinkDefinition definition, Duration defaultCallTimeout) {
        if (connectTimeout == null && callTimeout == null && maxRetryAfter == null) {
            return null;
        }
        HttpTransport.Builder t = HttpTransport.builder().callTimeout(defaultCallTimeout);
        definition.apply("connect-timeout", connectTimeout, t::connectTimeout);
        definition.apply("call-timeout", callTimeout, t::callTimeout);
        definition.apply("max-retry-after", maxRetryAfter, t::maxRetryAfter);
        return t.build();
    }

    /**
     * Returns a sink that closes {@code release} after {@code sink}: for what was made for the sink, such as a
     * connection, that the sink borrows.
     */
    protected static AuditSink closingAfter(AuditSink sink, Runnable release) {
        return new OwningAuditSink(sink, release);
    }

    /**
     * Returns what of a configured URL a failure may show: without the user info, query and fragment, which may hold
     * credentials.
     */
    protected static String shownUrl(String url) {
        return ShownUrl.of(url);
    }

    public @Nullable Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(@Nullable Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public @Nullable Duration getCallTimeout() {
        return callTimeout;
    }

    public void setCallTimeout(@Nullable Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    public @Nullable Duration getMaxRetryAfter() {
        return maxRetryAfter;
    }

    public void setMaxRetryAfter(@Nullable Duration maxRetryAfter) {
        this.maxRetryAfter = maxRetryAfter;
    }
}
