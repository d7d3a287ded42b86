package io.actiontrail.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.sink.DeliveryException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a sink can say about a failure, and how long the pipeline waits after it. */
class DeliveryExceptionTest {

    @Test
    void aRetryAfterSurvivesAnErrorCodeAndKeepsTheRest() {
        DeliveryException e = DeliveryException.retryable("throttled")
                .withRetryAfter(Duration.ofSeconds(7))
                .withErrorCode("429");

        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.errorCode()).isEqualTo("429");
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).isEqualTo("throttled");
        assertThat(DeliveryException.retryable("down").retryAfter()).isNull();
    }

    @Test
    void rejectsANegativeRetryAfterAndARetryAfterOnAPermanentFailure() {
        assertThatThrownBy(() -> DeliveryException.retryable("x").withRetryAfter(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retryAfter must not be negative: PT-1S");
        assertThatThrownBy(() -> DeliveryException.permanent("x").withRetryAfter(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theWaitIsTheLongerOfTheBackoffAndTheRetryAfterCappedAtADay() {
        Duration backoff = Duration.ofMillis(200);

        assertThat(Shipper.retryWait(backoff, null)).isEqualTo(backoff);
        assertThat(Shipper.retryWait(backoff, Duration.ofMillis(100))).isEqualTo(backoff);
        assertThat(Shipper.retryWait(backoff, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(Shipper.retryWait(backoff, Duration.ofDays(400))).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void aPartialDeliverySurvivesEveryOtherCopyAndKeepsWhatItSays() {
        DeliveryException e = DeliveryException.retryable("2 of 5 delivered")
                .withDelivered(List.of("a", "b"))
                .withRefused(List.of("c"))
                .withErrorCode("ServerBusy")
                .withRetryAfter(Duration.ofSeconds(3));

        assertThat(e.delivered()).containsExactlyInAnyOrder("a", "b");
        assertThat(e.refused()).containsExactly("c");
        assertThat(e.errorCode()).isEqualTo("ServerBusy");
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(e.isRetryable()).isTrue();
        assertThat(DeliveryException.permanent("refused")
                        .withRefused(List.of("x"))
                        .refused())
                .containsExactly("x");
        assertThat(DeliveryException.retryable("down").delivered()).isEmpty();
        assertThat(DeliveryException.retryable("down").refused()).isEmpty();
        assertThatThrownBy(() -> e.delivered().add("d")).isInstanceOf(UnsupportedOperationException.class);
    }
}
