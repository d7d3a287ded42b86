package io.actiontrail.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.spring.web.tx.LedgerApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Controllers with their own transactions on a real database: the event says how the transaction ended, and a handler
 * that answered normally while its transaction rolled back is no success.
 */
class TransactionalControllerTest {

    @RegisterExtension
    static final WebApps.Running APP = WebApps.running(LedgerApp.class);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int post(String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(APP.url() + path))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static AuditEvent only() {
        await().until(() -> APP.sink().size() == 1);
        return APP.sink().events().get(0);
    }

    private static @Nullable Object transaction(AuditEvent event) {
        return Objects.requireNonNull(event.additionalEventData()).get("transaction");
    }

    @Test
    void aCommittedTransactionIsASuccessThatSaysSo() throws Exception {
        assertThat(post("/accounts/a-1/credits?amount=5")).isEqualTo(200);
        AuditEvent event = only();
        assertThat(event.eventName()).isEqualTo("Credit");
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(transaction(event)).isEqualTo("committed");
        assertThat(APP.bean(LedgerApp.LedgerController.class).entries("a-1")).isEqualTo(1);
    }

    @Test
    void aHandlerThatAnsweredWhileItsTransactionRolledBackIsAFailure() throws Exception {
        assertThat(post("/accounts/a-2/credits?amount=-5")).isEqualTo(200);
        AuditEvent event = only();
        assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(event.errorCode()).isEqualTo("TransactionRolledBack");
        assertThat(transaction(event)).isEqualTo("rolledBack");
        assertThat(APP.bean(LedgerApp.LedgerController.class).entries("a-2")).isZero();
    }

    @Test
    void aHandlerWhoseExceptionRolledItsTransactionBackSaysBoth() throws Exception {
        assertThat(post("/accounts/a-3/closures")).isEqualTo(500);
        AuditEvent event = only();
        assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(event.errorCode()).isEqualTo("IllegalStateException");
        assertThat(transaction(event)).isEqualTo("rolledBack");
        assertThat(APP.bean(LedgerApp.LedgerController.class).entries("a-3")).isZero();
    }

    @Test
    void aHandlerWithoutATransactionOfItsOwnSaysNothingOfOne() throws Exception {
        assertThat(post("/accounts/a-4/notes")).isEqualTo(200);
        AuditEvent event = only();
        assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(event.additionalEventData()).doesNotContainKey("transaction");
    }
}
