package io.actiontrail.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Audited;
import io.actiontrail.Outcome;
import io.actiontrail.spring.TestAutoConfigurations;
import io.actiontrail.test.InMemoryAuditSink;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code @Audited} calls inside transactions on a real database (H2): the event says whether the transaction
 * committed or rolled back, and a call whose transaction rolled back after it returned is no {@code Success}.
 */
class TransactionOutcomeTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.BASE)
            .withPropertyValues("spring.application.name=bank", "actiontrail.durability=memory")
            .withBean("memory", InMemoryAuditSink.class, InMemoryAuditSink::create)
            .withUserConfiguration(Database.class)
            .withBean(Ledger.class)
            .withBean(Transfers.class);

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class Database {
        @Bean
        DataSource dataSource() {
            JdbcDataSource dataSource = new JdbcDataSource();
            dataSource.setURL("jdbc:h2:mem:ledger-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
            return dataSource;
        }

        @Bean
        JdbcTemplate jdbc(DataSource dataSource) {
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            jdbc.execute("create table entries (account varchar(32), amount int)");
            return jdbc;
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }
    }

    /** Writes entries; audited; runs in its caller's transaction. */
    public static class Ledger {
        private final JdbcTemplate jdbc;

        public Ledger(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Audited(eventName = "CreditAccount", resourceType = "Account", resourceName = "#account")
        public void credit(String account, int amount) {
            jdbc.update("insert into entries (account, amount) values (?, ?)", account, amount);
        }

        int balance(String account) {
            Integer sum = jdbc.queryForObject(
                    "select coalesce(sum(amount), 0) from entries where account = ?", Integer.class, account);
            return Objects.requireNonNull(sum);
        }
    }

    /** Transactions around the ledger's calls. */
    public static class Transfers {
        private final Ledger ledger;

        public Transfers(Ledger ledger) {
            this.ledger = ledger;
        }

        @Transactional
        public void deposit(String account, int amount) {
            ledger.credit(account, amount);
        }

        @Transactional
        public void depositThenFail(String account, int amount) {
            ledger.credit(account, amount);
            throw new IllegalStateException("the limit check failed after the credit");
        }
    }

    @Test
    void aCallWhoseTransactionRolledBackAfterItReturnedIsAFailureThatSaysSo() {
        runner.run(context -> {
            Transfers transfers = context.getBean(Transfers.class);
            Ledger ledger = context.getBean(Ledger.class);
            assertThatThrownBy(() -> transfers.depositThenFail("acc-1", 100)).isInstanceOf(IllegalStateException.class);
            assertThat(ledger.balance("acc-1"))
                    .as("the database rolled the credit back")
                    .isZero();

            AuditEvent event = only(context);
            assertThat(event.eventName()).isEqualTo("CreditAccount");
            assertThat(event.resourceName()).isEqualTo("acc-1");
            assertThat(event.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(event.errorCode()).isEqualTo(TransactionEnds.ROLLED_BACK);
            assertThat(event.additionalEventData()).containsEntry("transaction", "rolledBack");
        });
    }

    @Test
    void aCallWhoseTransactionCommittedIsASuccessThatSaysSo() {
        runner.run(context -> {
            context.getBean(Transfers.class).deposit("acc-2", 50);
            assertThat(context.getBean(Ledger.class).balance("acc-2")).isEqualTo(50);

            AuditEvent event = only(context);
            assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(event.additionalEventData()).containsEntry("transaction", "committed");
        });
    }

    @Test
    void aCallOutsideAnyTransactionIsRecordedAtOnceWithoutTransactionState() {
        runner.run(context -> {
            context.getBean(Ledger.class).credit("acc-3", 5);
            AuditEvent event = only(context);
            assertThat(event.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(event.additionalEventData())
                    .satisfiesAnyOf(extra -> assertThat(extra).isNull(), extra -> assertThat(extra)
                            .doesNotContainKey("transaction"));
        });
    }

    /** The one event recorded: everything recorded so far is delivered first, so that a second one would show. */
    private static AuditEvent only(AssertableApplicationContext context) {
        assertThat(context.getBean(ActionTrail.class).flush(Duration.ofSeconds(10)))
                .isTrue();
        List<AuditEvent> events = context.getBean(InMemoryAuditSink.class).events();
        assertThat(events).hasSize(1);
        return events.get(0);
    }
}
