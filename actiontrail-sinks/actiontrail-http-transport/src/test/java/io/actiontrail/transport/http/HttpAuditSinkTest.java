package io.actiontrail.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.Batching;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The transport an HTTP sink borrows or owns, and the lease behind it. */
class HttpAuditSinkTest {

    /** The smallest HTTP sink: it sends nothing. */
    static final class QuietSink extends HttpAuditSink {
        private QuietSink(Builder builder) {
            super("quiet sink", builder);
        }

        @Override
        public void write(AuditBatch batch) {
            checkOpen();
        }

        static final class Builder extends HttpAuditSink.Builder<Builder> {
            Builder() {
                super("quiet", new Batching(10, 1024, Duration.ofSeconds(1)));
            }

            QuietSink build() {
                return new QuietSink(this);
            }
        }
    }

    private static boolean isShutDown(HttpTransport transport) {
        return transport.client().dispatcher().executorService().isShutdown();
    }

    @Test
    void aSinkClosesTheTransportItMadeOnce() {
        QuietSink sink = new QuietSink.Builder().name(" audit ").build();
        HttpTransport made = sink.transport();
        assertThat(sink.name()).isEqualTo("audit");
        assertThat(isShutDown(made)).isFalse();
        sink.close();
        sink.close();
        assertThat(isShutDown(made)).isTrue();
        assertThatThrownBy(() -> sink.write(AuditBatch.ofEvents(java.util.List.of(
                        io.actiontrail.AuditEvent.builder("Ping").build()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("quiet sink 'audit' is closed; write() after close()");
    }

    @Test
    void aSinkLeavesAGivenTransportOpen() {
        try (HttpTransport given = HttpTransport.createDefault()) {
            QuietSink sink = new QuietSink.Builder().transport(given).build();
            assertThat(sink.transport()).isSameAs(given);
            sink.close();
            assertThat(isShutDown(given)).isFalse();
        }
    }

    @Test
    void aLeaseClosesOnlyWhatItOwns() {
        try (HttpTransport given = HttpTransport.createDefault()) {
            TransportLease borrowed = TransportLease.of(given);
            borrowed.close();
            assertThat(isShutDown(given)).isFalse();
            assertThat(borrowed.toString()).startsWith("borrowed ");
        }
        TransportLease owned = TransportLease.owning(HttpTransport.createDefault());
        assertThat(owned.toString()).startsWith("owned ");
        owned.close();
        owned.close();
        assertThat(isShutDown(owned.transport())).isTrue();
        TransportLease made = TransportLease.of(null);
        made.close();
        assertThat(isShutDown(made.transport())).isTrue();
    }
}
