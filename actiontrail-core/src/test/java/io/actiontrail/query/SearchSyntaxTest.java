package io.actiontrail.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SearchSyntaxTest {

    private record Golden(String search, String query) {}

    private static List<Golden> golden() throws IOException {
        String text;
        try (InputStream in = Objects.requireNonNull(
                SearchSyntaxTest.class.getResourceAsStream("/golden/search-syntax.txt"), "golden file")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Golden> cases = new ArrayList<>();
        String search = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith("search:")) {
                search = line.substring("search:".length()).stripLeading();
            } else if (line.startsWith("query: ")) {
                cases.add(new Golden(Objects.requireNonNull(search, line), line.substring("query: ".length())));
                search = null;
            }
        }
        return cases;
    }

    @Test
    void readsEveryGoldenSearchIntoItsQuery() throws IOException {
        List<Golden> cases = golden();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
        for (Golden g : cases) {
            assertThat(SearchSyntax.parse(g.search).build().filtersKey())
                    .as(g.search)
                    .isEqualTo(g.query);
        }
    }

    @Test
    void theIssuesExampleMatchesWhatItSays() {
        LookupQuery q = SearchSyntax.parse("user:alice action:Create* -outcome:Success resource:Order/o-1"
                        + " ip:203.0.113.0/24 tenant:t-9 \"free text\"")
                .build();
        io.actiontrail.AuditEvent matching = io.actiontrail.AuditEvent.builder("CreateOrder")
                .userIdentity(io.actiontrail.UserIdentity.builder(io.actiontrail.UserIdentity.Type.USER)
                        .userName("alice")
                        .accountId("t-9")
                        .build())
                .outcome(io.actiontrail.Outcome.FAILURE)
                .referencedResources(java.util.Map.of("Order", List.of("o-1")))
                .sourceIpAddress("203.0.113.200")
                .errorMessage("some FREE TEXT here")
                .build();
        assertThat(q.matchesAttributes(matching)).isTrue();
        assertThat(q.matchesAttributes(matching.toBuilder()
                        .outcome(io.actiontrail.Outcome.SUCCESS)
                        .errorMessage("free text")
                        .build()))
                .as("negated outcome")
                .isFalse();
        assertThat(q.matchesAttributes(
                        matching.toBuilder().sourceIpAddress("203.0.114.1").build()))
                .as("outside the network")
                .isFalse();
        assertThat(q.matchesAttributes(
                        matching.toBuilder().eventName("DeleteOrder").build()))
                .as("prefix")
                .isFalse();
        assertThat(q.matchesAttributes(matching.toBuilder().errorMessage("free").build()))
                .as("free text")
                .isFalse();
    }

    private static void refused(String search, String message, int position) {
        ThrowingCallable parse = () -> SearchSyntax.parse(search);
        assertThatThrownBy(parse)
                .as(search)
                .isInstanceOf(SearchSyntaxException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((SearchSyntaxException) e).position())
                        .as("position in " + search)
                        .isEqualTo(position));
    }

    @Test
    void refusesMistakesNamingTheProblemAndItsPosition() {
        refused("user:alice usr:bob", "unknown key 'usr'", 11);
        refused("see http://example.com", "unknown key 'http'", 4);
        refused("user:", "user: needs a value", 5);
        refused("user: alice", "user: needs a value", 5);
        refused("user:a,", "user: needs a value", 7);
        refused("user:a,,b", "user: needs a value", 7);
        refused("user:\"alice", "never closed", 5);
        refused("\"free text", "never closed", 0);
        refused("user:\"a\"b", "must follow a quoted value", 8);
        refused("user:a\"b\"", "a quote inside a value", 6);
        refused("fr\"ee", "a quote inside a word", 2);
        refused("user:\"a\\nb\"", "unknown escape", 7);
        refused("outcome:Maybe", "'Maybe' is not a value of outcome (one of Success, Failure, Denied)", 8);
        refused("type:Email", "not a value of eventType", 5);
        refused("ip:203.0.113.0/33", "prefix length 33", 3);
        refused("ip:10.0.0.0/8,example.com/8", "not an IP address or network: example.com/8", 14);
        refused("ip:300.1.2.3/8", "not an IP address or network", 3);
        refused("action:*", "'*' alone matches everything", 7);
        refused("action:Cr*ate*", "'*' is allowed at the end", 7);
        refused("after:yesterday", "'yesterday' is not a date", 6);
        refused("after:2026-13-01", "is not a date", 6);
        refused("after:2026-12-01,2026-12-02", "takes one time", 17);
        refused("-after:2026-12-01", "after: cannot be negated", 0);
        refused("order:random", "order: takes newest or oldest", 6);
        refused("after:2026-12-02 before:2026-12-01", "is earlier than after", 0);
    }

    @Test
    void refusesHugeSearchesAndOrListsClearly() {
        String huge = "user:" + "a".repeat(1024 * 1024);
        refused(huge, "at most 65536 are allowed", SearchSyntax.MAX_LENGTH);

        String tenThousand =
                "user:" + IntStream.range(0, 10_000).mapToObj(i -> "u" + i).collect(Collectors.joining(","));
        assertThat(tenThousand.length()).isLessThan(SearchSyntax.MAX_LENGTH);
        refused(tenThousand, "has 10000 values; at most 1000 are allowed", 0);

        String split = IntStream.range(0, 1001).mapToObj(i -> "-user:u" + i).collect(Collectors.joining(" "));
        refused(split, "the query has 1001 values in its conditions; at most 1000", 0);

        String thousand =
                "user:" + IntStream.range(0, 1000).mapToObj(i -> "u" + i).collect(Collectors.joining(","));
        assertThat(SearchSyntax.parse(thousand).build().conditions().get(0).values())
                .hasSize(1000);
    }

    @Test
    void refusesNullWithAClearError() {
        @SuppressWarnings("NullAway")
        ThrowingCallable parse = () -> SearchSyntax.parse(null);
        assertThatThrownBy(parse).isInstanceOf(SearchSyntaxException.class).hasMessageContaining("null");
    }

    private static final String[] AWKWARD = {
        "alice",
        "Alice Smith",
        "a,b",
        "quote\"d",
        "back\\slash",
        "star*",
        "*lead",
        "-minus",
        "key:colon",
        "über",
        "a b*c",
        "203.0.113.7",
        "10.0.0.0/8",
        "x"
    };

    private static String awkward(Random r) {
        return AWKWARD[r.nextInt(AWKWARD.length)] + (r.nextBoolean() ? "" : Integer.toString(r.nextInt(100)));
    }

    /** A random query the syntax can express: at most one condition that is not negated per attribute. */
    private static LookupQuery randomQuery(Random r) {
        LookupQuery.Builder q = LookupQuery.builder();
        java.util.Set<Attribute> positive = java.util.EnumSet.noneOf(Attribute.class);
        int conditions = r.nextInt(5);
        for (int c = 0; c < conditions; c++) {
            List<Attribute> all = List.of(Attribute.values());
            Attribute attribute = all.get(r.nextInt(all.size()));
            boolean negated = r.nextInt(3) == 0;
            if (!negated && !positive.add(attribute)) {
                continue;
            }
            Condition.Builder b = Condition.builder(attribute).negated(negated);
            int terms = 1 + r.nextInt(3);
            for (int t = 0; t < terms; t++) {
                switch (attribute) {
                    case OUTCOME ->
                        b.value(List.of("Success", "Failure", "Denied").get(r.nextInt(3)));
                    case EVENT_RW -> b.value(r.nextBoolean() ? "Read" : "Write");
                    case EVENT_TYPE -> b.value(r.nextBoolean() ? "ApiCall" : "ConsoleSignin");
                    case EVENT_CATEGORY -> b.value(r.nextBoolean() ? "Management" : "Data");
                    case SOURCE_IP_ADDRESS -> {
                        switch (r.nextInt(3)) {
                            case 0 -> b.network(r.nextBoolean() ? "203.0.113.0/24" : "2001:db8::/32");
                            case 1 -> b.prefix("203.0.");
                            default -> b.value(awkward(r));
                        }
                    }
                    default -> {
                        if (r.nextInt(3) == 0) {
                            b.prefix(awkward(r));
                        } else {
                            b.value(awkward(r));
                        }
                    }
                }
            }
            q.where(b.build());
        }
        if (r.nextInt(3) == 0) {
            q.startTime(Instant.ofEpochMilli(1_700_000_000_000L + r.nextInt(1_000_000_000)));
        }
        if (r.nextInt(3) == 0) {
            q.endTime(Instant.ofEpochMilli(1_800_000_000_000L + r.nextInt(1_000_000_000)));
        }
        if (r.nextBoolean()) {
            q.order(LookupQuery.Order.OLDEST_FIRST);
        }
        if (r.nextInt(3) == 0) {
            q.text(awkward(r));
        }
        return q.build();
    }

    @Test
    void formatWritesWhatParseReadsBack() {
        Random r = new Random(20261205L);
        for (int i = 0; i < 2000; i++) {
            LookupQuery q = randomQuery(r);
            String text = SearchSyntax.format(q);
            LookupQuery back = SearchSyntax.parse(text).build();
            // the parser puts the negated conditions after the others: compare as sets of conditions
            assertThat(back.conditions()).as(text).containsExactlyInAnyOrderElementsOf(q.conditions());
            assertThat(back.startTime()).as(text).isEqualTo(q.startTime());
            assertThat(back.endTime()).as(text).isEqualTo(q.endTime());
            assertThat(back.order()).as(text).isEqualTo(q.order());
            assertThat(back.text()).as(text).isEqualTo(q.text());
        }
        assertThat(SearchSyntax.format(SearchSyntax.parse("user:\"Alice S\"* -ip:10.0.0.0/8 \"free text\"")
                        .build()))
                .isEqualTo("user:\"Alice S\"* -ip:10.0.0.0/8 \"free text\"");
    }

    @Test
    void everyKeyNamesAnAttribute() {
        assertThat(SearchSyntax.KEYS.values()).containsAll(List.of(Attribute.values()));
    }
}
