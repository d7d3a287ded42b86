package io.actiontrail.internal.codec;

import io.actiontrail.AuditEvent;
import io.actiontrail.internal.InternalApi;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The codec's way into the model's non-public construction path: decoding an event must rebuild it exactly as it
 * was encoded (already redacted and frozen), which the public builder, that snapshots and redacts what it is given,
 * does not offer. {@link AuditEvent} installs the one implementation when its class is initialised. Thread-safe.
 */
@InternalApi
public interface ModelAccess {

    /** Returns an empty builder, without an event name. */
    AuditEvent.Builder newBuilder();

    /** Sets the three free-form parts of {@code builder} as they are, without snapshot or redaction. */
    AuditEvent.Builder parts(
            AuditEvent.Builder builder,
            @Nullable Map<String, @Nullable Object> requestParameters,
            @Nullable Map<String, @Nullable Object> responseElements,
            @Nullable Map<String, @Nullable Object> additionalEventData);

    /** Returns {@code event} with the three free-form parts replaced as they are, without snapshot or redaction. */
    AuditEvent withParts(
            AuditEvent event,
            @Nullable Map<String, @Nullable Object> requestParameters,
            @Nullable Map<String, @Nullable Object> responseElements,
            @Nullable Map<String, @Nullable Object> additionalEventData);

    /** Called once, by {@link AuditEvent}'s static initialiser. */
    static void install(ModelAccess access) {
        Holder.instance = access;
    }

    /** Returns the installed access, initialising {@link AuditEvent} first if nothing has yet. */
    static ModelAccess get() {
        ModelAccess access = Holder.instance;
        if (access == null) {
            try {
                Class.forName(AuditEvent.class.getName(), true, AuditEvent.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            access = Holder.instance;
            if (access == null) {
                throw new IllegalStateException("AuditEvent did not install its model access");
            }
        }
        return access;
    }

    /** Where the installed access is kept. */
    final class Holder {
        private static volatile @Nullable ModelAccess instance;

        private Holder() {}
    }
}
