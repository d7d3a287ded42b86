package io.actiontrail.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConditionTest {

    @Test
    void matchesAnyValuePrefixOrNetworkAndNoneWhenNegated() {
        Condition c = Condition.builder(Attribute.EVENT_NAME)
                .value("GetOrder")
                .prefix("Create")
                .build();
        assertThat(c.test(List.of("GetOrder"))).isTrue();
        assertThat(c.test(List.of("CreateInvoice"))).isTrue();
        assertThat(c.test(List.of("Create"))).isTrue();
        assertThat(c.test(List.of("getorder"))).as("case-sensitive").isFalse();
        assertThat(c.test(List.of())).as("absent").isFalse();
        assertThat(c.negate().test(List.of())).as("absent, negated").isTrue();
        assertThat(c.negate().test(List.of("CreateOrder"))).isFalse();
        assertThat(c.negate().negate()).isEqualTo(c);
        assertThat(c.toString()).isEqualTo("eventName:[GetOrder, Create*]");
        assertThat(c.negate().toString()).isEqualTo("-eventName:[GetOrder, Create*]");
    }

    @Test
    void networksMatchIpv4AndIpv6AddressesInside() {
        Condition c = Condition.builder(Attribute.SOURCE_IP_ADDRESS)
                .network("203.0.113.0/24")
                .network("2001:db8::/32")
                .network("10.0.0.0/9")
                .network("192.0.2.1")
                .build();
        assertThat(c.test(List.of("203.0.113.0"))).isTrue();
        assertThat(c.test(List.of("203.0.113.255"))).isTrue();
        assertThat(c.test(List.of("203.0.114.0"))).isFalse();
        assertThat(c.test(List.of("10.127.255.255"))).isTrue();
        assertThat(c.test(List.of("10.128.0.0"))).isFalse();
        assertThat(c.test(List.of("192.0.2.1"))).isTrue();
        assertThat(c.test(List.of("192.0.2.2"))).isFalse();
        assertThat(c.test(List.of("2001:db8:ffff::1"))).isTrue();
        assertThat(c.test(List.of("2001:db9::1"))).isFalse();
        assertThat(c.test(List.of("unknown"))).as("not an address").isFalse();
        assertThat(c.test(List.of("203.0.113.1.5"))).isFalse();
        assertThat(Condition.inNetwork("0.0.0.0/0").test(List.of("8.8.8.8"))).isTrue();
        assertThat(Condition.inNetwork("0.0.0.0/0").test(List.of("::1")))
                .as("another family")
                .isFalse();
    }

    @Test
    void refusesWhatCannotBeMatchedWithClearErrors() {
        assertThatThrownBy(() -> Condition.builder(Attribute.USER_NAME).build())
                .hasMessage("a condition on userIdentity.userName needs a value");
        assertThatThrownBy(() -> Condition.startsWith(Attribute.USER_NAME, ""))
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> Condition.builder(Attribute.USER_NAME).network("10.0.0.0/8"))
                .hasMessage("only sourceIpAddress matches networks, not userIdentity.userName");
        assertThatThrownBy(() -> Condition.is(Attribute.OUTCOME, "success"))
                .hasMessage("'success' is not a value of outcome (one of Success, Failure, Denied)");
        for (String bad : new String[] {
            "10.0.0.0/",
            "10.0.0.0/x",
            "10.0.0/8",
            "10.0.0.256",
            "1.2.3.4.5",
            "example.com",
            ".::",
            "[::1]",
            "::1%eth0",
            "2001:db8::/129",
            "10.0.0.0/33",
            "",
            "10.0.0.0/0008"
        }) {
            assertThatThrownBy(() -> Condition.inNetwork(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        List<String> many = IntStream.range(0, 1001).mapToObj(i -> "u" + i).toList();
        assertThatThrownBy(() -> Condition.anyOf(Attribute.USER_NAME, many))
                .hasMessage("a condition on userIdentity.userName has 1001 values; at most 1000 are allowed");
    }

    @Test
    void attributesReadTheirValuesFromAnEvent() {
        AuditEvent e = AuditEvent.builder("Ship")
                .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                        .userName("alice")
                        .principalId("u-1")
                        .accountId("t-9")
                        .accessKeyId("AK1")
                        .build())
                .resource("Order", "o-1")
                .referencedResources(Map.of("Order", List.of("o-1", "o-2"), "Customer", List.of("c-7")))
                .outcome(Outcome.DENIED)
                .errorCode("Forbidden")
                .build();
        assertThat(Attribute.RESOURCE.valuesOf(e)).containsExactlyInAnyOrder("Order/o-1", "Order/o-2", "Customer/c-7");
        assertThat(Attribute.ACCOUNT_ID.valuesOf(e)).containsExactly("t-9");
        assertThat(Attribute.OUTCOME.valuesOf(e)).containsExactly("Denied");
        assertThat(Attribute.ERROR_CODE.valuesOf(e)).containsExactly("Forbidden");
        assertThat(Attribute.SOURCE_IP_ADDRESS.valuesOf(e)).isEmpty();
        assertThat(Attribute.EVENT_ID.valuesOf(e)).containsExactly(e.eventId());
    }

    @Test
    void aTimelineIsEveryEventOfOneResourceOldestFirst() {
        LookupQuery q = LookupQuery.timeline("Order", "o-2").build();
        assertThat(q.order()).isEqualTo(LookupQuery.Order.OLDEST_FIRST);
        assertThat(q.conditions()).containsExactly(Condition.is(Attribute.RESOURCE, "Order/o-2"));
        AuditEvent referencing = AuditEvent.builder("Merge")
                .resource("Order", "o-1")
                .referencedResources(Map.of("Order", List.of("o-2")))
                .build();
        assertThat(q.matchesAttributes(referencing)).isTrue();
        assertThat(q.matchesAttributes(
                        AuditEvent.builder("Get").resource("Order", "o-1").build()))
                .isFalse();
    }
}
