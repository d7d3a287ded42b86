package io.actiontrail.internal.insights;

import io.actiontrail.insights.Insights;

/**
 * The detection rule over a {@link KeyTable}: a minute is above when its count exceeds
 * {@code max(μ + k·σ, r·μ, floor)}, with {@code μ}, {@code σ} the key's baseline for the minute's hour of the day,
 * or, until the key has a day of history, its mean and deviation over every minute so far with the cold-start floor
 * (and no threshold at all during its first hour). Stateless beyond its settings; called on the insights thread.
 */
final class Detector {

    /** A key younger than this many minutes raises no rate insight. */
    static final int MIN_HISTORY_MINUTES = 60;

    private final double deviations;
    private final double ratio;
    private final double floor;
    private final double coldFloor;

    Detector(Insights settings) {
        this.deviations = settings.deviations();
        this.ratio = settings.ratio();
        this.floor = settings.floor();
        this.coldFloor = settings.coldStartFloor();
    }

    /** The threshold of key {@code k} for minute {@code minute}; infinite while the key is too young. */
    double threshold(KeyTable keys, int k, int minute) {
        int window = Math.floorMod(minute, 1440) / 60;
        float mean = keys.baseMean[k * KeyTable.WINDOWS + window];
        if (!Float.isNaN(mean)) {
            float std = keys.baseStd[k * KeyTable.WINDOWS + window];
            return Math.max(Math.max(mean + deviations * std, ratio * mean), floor);
        }
        long n = (long) minute - keys.firstMinute[k];
        if (n < MIN_HISTORY_MINUTES) {
            return Double.POSITIVE_INFINITY;
        }
        double m = keys.coldSum[k] / n;
        double variance = Math.max(0, keys.coldSumSq[k] / n - m * m);
        return Math.max(Math.max(m + deviations * Math.sqrt(variance), ratio * m), coldFloor);
    }

    /** The baseline mean of key {@code k} for {@code minute}: what insight events report as usual. */
    double baseline(KeyTable keys, int k, int minute) {
        int window = Math.floorMod(minute, 1440) / 60;
        float mean = keys.baseMean[k * KeyTable.WINDOWS + window];
        if (!Float.isNaN(mean)) {
            return mean;
        }
        long n = (long) minute - keys.firstMinute[k];
        return n <= 0 ? 0 : keys.coldSum[k] / n;
    }

    /** Whether the baseline of {@code minute} comes from the 7-day history rather than the cold start. */
    boolean warm(KeyTable keys, int k, int minute) {
        return !Float.isNaN(keys.baseMean[k * KeyTable.WINDOWS + Math.floorMod(minute, 1440) / 60]);
    }
}
