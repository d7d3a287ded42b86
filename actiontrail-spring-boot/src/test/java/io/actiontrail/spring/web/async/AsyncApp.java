package io.actiontrail.spring.web.async;

import io.actiontrail.AuditContext;
import io.actiontrail.spring.web.WebApps;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Handlers that answer asynchronously, and an {@code @Async} service, for the tests of async capture. */
@SpringBootApplication
@Import(WebApps.Open.class)
@EnableAsync
public class AsyncApp {

    /** Runs in Spring Boot's task executor: answers with the request id it sees there. */
    @Service
    public static class Reports {
        @Async
        public CompletableFuture<String> render() {
            return CompletableFuture.completedFuture(
                    String.valueOf(AuditContext.current().requestId()));
        }
    }

    @RestController
    static class Jobs {
        private final Reports reports;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "jobs-timer");
            thread.setDaemon(true);
            return thread;
        });

        Jobs(Reports reports) {
            this.reports = reports;
        }

        @PostMapping("/jobs/callable")
        Callable<String> runCallable() {
            return () -> {
                // waits 30 ms for the timer, as a job waits for what it calls
                timer.schedule(() -> "waited", 30, TimeUnit.MILLISECONDS).get();
                return "done " + AuditContext.current().requestId();
            };
        }

        @PostMapping("/jobs/deferred")
        DeferredResult<String> runDeferred() {
            DeferredResult<String> result = new DeferredResult<>();
            var completion = timer.schedule(() -> result.setResult("deferred"), 30, TimeUnit.MILLISECONDS);
            result.onTimeout(() -> completion.cancel(false));
            return result;
        }

        /** Streams three events, then completes: the call ends when the stream does. */
        @PostMapping("/jobs/stream")
        SseEmitter streamJob() {
            SseEmitter emitter = new SseEmitter(5_000L);
            for (int step = 1; step <= 4; step++) {
                int current = step;
                var scheduled = timer.schedule(
                        () -> {
                            try {
                                if (current == 4) {
                                    emitter.complete();
                                } else {
                                    emitter.send(SseEmitter.event().data("step " + current));
                                }
                            } catch (IOException e) {
                                emitter.completeWithError(e);
                            }
                        },
                        10L * current,
                        TimeUnit.MILLISECONDS);
                emitter.onTimeout(() -> scheduled.cancel(false));
            }
            return emitter;
        }

        @PostMapping("/jobs/failing")
        Callable<String> runFailing() {
            return () -> {
                throw new IllegalStateException("the job broke");
            };
        }

        @PostMapping("/reports")
        CompletableFuture<String> createReport() {
            return reports.render();
        }

        /** Not audited: says which request the handler's thread believes it serves. */
        @GetMapping("/whoami")
        String whoami() {
            return String.valueOf(AuditContext.current().requestId());
        }
    }
}
