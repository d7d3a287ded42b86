package io.actiontrail.spring.autoconfigure;

import io.actiontrail.DeliveryListener;
import io.actiontrail.insights.InsightNotice;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells several listeners, in order; one that throws does not keep the others from hearing. Thread-safe. */
final class CompositeDeliveryListener implements DeliveryListener {

    private static final Logger log = LoggerFactory.getLogger(CompositeDeliveryListener.class);

    private final List<DeliveryListener> listeners;

    private CompositeDeliveryListener(List<DeliveryListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    static DeliveryListener of(List<DeliveryListener> listeners) {
        return listeners.size() == 1 ? listeners.get(0) : new CompositeDeliveryListener(listeners);
    }

    @Override
    public void onDelivered(Delivered delivered) {
        for (DeliveryListener listener : listeners) {
            try {
                listener.onDelivered(delivered);
            } catch (RuntimeException e) {
                log.warn("ActionTrail: delivery listener {} failed", listener, e);
            }
        }
    }

    @Override
    public void onFailed(Failed failed) {
        for (DeliveryListener listener : listeners) {
            try {
                listener.onFailed(failed);
            } catch (RuntimeException e) {
                log.warn("ActionTrail: delivery listener {} failed", listener, e);
            }
        }
    }

    @Override
    public void onDropped(Dropped dropped) {
        for (DeliveryListener listener : listeners) {
            try {
                listener.onDropped(dropped);
            } catch (RuntimeException e) {
                log.warn("ActionTrail: delivery listener {} failed", listener, e);
            }
        }
    }

    @Override
    public void onInsight(InsightNotice notice) {
        for (DeliveryListener listener : listeners) {
            try {
                listener.onInsight(notice);
            } catch (RuntimeException e) {
                log.warn("ActionTrail: delivery listener {} failed", listener, e);
            }
        }
    }
}
