package io.actiontrail.internal.capture;

import io.actiontrail.AuditEvent;
import io.actiontrail.capture.AuditedMethod;
import io.actiontrail.capture.CallRecorder;
import io.actiontrail.capture.Invocation;
import io.actiontrail.capture.ResourceExpression;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.codec.JsonTree;
import io.actiontrail.internal.codec.ModelAccess;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns one finished call of an audited method into an event, by the method's {@link AuditedMethod} plan: the
 * resource from its expressions, the arguments and result snapshotted and redacted, the failure as outcome and error.
 * The event goes to a {@link Recorder}; capture never calls back into the façade. Backs both {@code ActionTrail.proxy}
 * and the public {@link CallRecorder} integrations use. Thread-safe.
 */
@InternalApi
public final class CallCapture implements CallRecorder {

    /** Where captured events go; implementations never throw and are thread-safe. */
    public interface Recorder {
        /** Takes one captured event. */
        void record(AuditEvent event);

        /** Told that building the event of a call failed: the call is counted as dropped. */
        void failed(String eventName, Throwable error);
    }

    private final Snapshotter snapshotter;
    private final Clock clock;
    private final Recorder recorder;

    public CallCapture(Snapshotter snapshotter, Clock clock, Recorder recorder) {
        this.snapshotter = snapshotter;
        this.clock = clock;
        this.recorder = recorder;
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void record(AuditedMethod method, Invocation invocation) {
        record(method, invocation, CallCapture::asBuilt);
    }

    @Override
    public void record(AuditedMethod plan, Invocation call, Consumer<AuditEvent.Builder> customizer) {
        AuditEvent event = event(plan, call, customizer);
        if (event != null) {
            recorder.record(event);
        }
    }

    @Override
    public @Nullable AuditEvent event(AuditedMethod plan, Invocation call, Consumer<AuditEvent.Builder> customizer) {
        try {
            AuditEvent.Builder b = AuditEvent.builder(plan.eventName())
                    .eventTime(call.start())
                    .eventRW(plan.eventRW())
                    .eventType(plan.eventType())
                    .eventCategory(plan.eventCategory())
                    .durationMs(call.elapsedNanos() / 1_000_000);
            ResourceExpression resourceType = plan.resourceType();
            if (resourceType != null && (call.succeeded() || !resourceType.usesResult())) {
                b.resourceType(resourceType.evaluate(call));
            }
            ResourceExpression resourceName = plan.resourceName();
            if (resourceName != null && (call.succeeded() || !resourceName.usesResult())) {
                b.resourceName(resourceName.evaluate(call));
            }
            Map<String, @Nullable Object> request = plan.captureArgs() ? parameters(plan, call.arguments()) : null;
            Map<String, @Nullable Object> response = null;
            if (plan.captureResult() && call.succeeded()) {
                Object snapshot = snapshotter.snapshot(call.result());
                if (snapshot instanceof Map<?, ?>) {
                    @SuppressWarnings("unchecked")
                    Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) snapshot;
                    response = map;
                } else {
                    LinkedHashMap<String, @Nullable Object> wrapped = new LinkedHashMap<>();
                    wrapped.put("result", snapshot);
                    response = JsonTree.adoptObject(wrapped);
                }
            }
            Throwable failure = call.failure();
            if (failure != null) {
                b.failure(failure);
            }
            // the trees are snapshotted with this instance's limits and keys: the builder's setters would redo it
            ModelAccess.get().parts(b, request, response, null);
            customizer.accept(b);
            return b.build();
        } catch (Exception | LinkageError | AssertionError | StackOverflowError | OutOfMemoryError e) {
            // Exception, not only RuntimeException: a customizer or a toString written in a language without checked
            // exceptions can throw a checked one; AssertionError: an integration's assert. None may reach the call.
            recorder.failed(plan.eventName(), e);
            return null;
        }
    }

    /** The customizer of an event the integration adds nothing to. */
    private static void asBuilt(AuditEvent.Builder event) {
        // nothing to add
    }

    /** Builds the request parameters of a call: each captured argument under its parameter name. */
    private Map<String, @Nullable Object> parameters(AuditedMethod plan, @Nullable Object[] args) {
        LinkedHashMap<String, @Nullable Object> out = new LinkedHashMap<>();
        List<String> names = plan.parameterNames();
        for (int i = 0; i < args.length && i < names.size(); i++) {
            if (plan.isIgnored(i)) {
                continue;
            }
            String name = names.get(i);
            out.put(name, plan.isSensitive(i) ? REDACTED : snapshotter.snapshotNamed(name, args[i]));
        }
        return JsonTree.adoptRedacted(out, snapshotter.redaction());
    }
}
