package io.actiontrail.spring.web.tx;

import io.actiontrail.spring.web.WebApps;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Controllers that write a ledger in their own transactions, on the embedded database Spring Boot configures. */
@SpringBootApplication
@Import(WebApps.Open.class)
public class LedgerApp {

    @RestController
    public static class LedgerController {
        private final JdbcTemplate jdbc;

        public LedgerController(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
            jdbc.execute("create table if not exists entries (account varchar(64), amount int)");
        }

        /** A negative amount is refused by marking the transaction rollback-only, and the answer is still 200. */
        @PostMapping("/accounts/{accountId}/credits")
        @Transactional
        public String credit(@PathVariable String accountId, @RequestParam int amount) {
            jdbc.update("insert into entries (account, amount) values (?, ?)", accountId, amount);
            if (amount < 0) {
                TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
            }
            return "noted";
        }

        @PostMapping("/accounts/{accountId}/closures")
        @Transactional
        public String close(@PathVariable String accountId) {
            jdbc.update("insert into entries (account, amount) values (?, 0)", accountId);
            throw new IllegalStateException("the ledger is closed");
        }

        /** No transaction of its own: each statement commits by itself. */
        @PostMapping("/accounts/{accountId}/notes")
        public String note(@PathVariable String accountId) {
            jdbc.update("insert into entries (account, amount) values (?, 0)", accountId);
            return "noted";
        }

        public int entries(String accountId) {
            Integer count =
                    jdbc.queryForObject("select count(*) from entries where account = ?", Integer.class, accountId);
            return count == null ? 0 : count;
        }
    }
}
