package dev.deadlineguard.bench;

/**
 * A small log-linear latency histogram in microseconds, for the load generator: values below 1,024 µs
 * are counted exactly (1 µs buckets); above that every power of two is split into 512 buckets, so a
 * reported percentile is at most 0.2% above the true value. Not thread-safe: each sender thread keeps
 * its own and they are merged at the end. The maximum is kept exactly.
 */
final class LatencyHistogram {

    private static final int LINEAR = 1024;          // exact buckets for 0..1023 µs
    private static final int SUB_BITS = 9;           // 512 buckets per power of two above that
    private static final int SUB = 1 << SUB_BITS;
    private static final int OCTAVES = 44;           // up to 2^54 µs, far beyond any run

    private final long[] counts = new long[LINEAR + OCTAVES * SUB];
    private long total;
    private long max;
    private long sum;

    void recordNanos(long nanos) {
        record(Math.max(0, nanos) / 1_000);
    }

    void record(long micros) {
        counts[index(micros)]++;
        total++;
        sum += micros;
        if (micros > max) {
            max = micros;
        }
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);   // >= 10
        int shift = exp - SUB_BITS;                     // >= 1; (v >> shift) is in [512, 1023]
        return LINEAR + (shift - 1) * SUB + (int) ((v >> shift) - SUB);
    }

    /** The largest value that lands in bucket {@code i}. */
    static long highestIn(int i) {
        if (i < LINEAR) {
            return i;
        }
        int shift = (i - LINEAR) / SUB + 1;
        long top = (long) ((i - LINEAR) % SUB + SUB);
        return ((top + 1) << shift) - 1;
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    long maxMicros() {
        return max;
    }

    double meanMicros() {
        return total == 0 ? 0 : (double) sum / total;
    }

    /** The value at percentile {@code p} (0-100), in µs: the smallest bucket edge covering that rank. */
    long percentileMicros(double p) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p / 100.0 * total);
        rank = Math.max(1, Math.min(total, rank));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(highestIn(i), max);
            }
        }
        return max;
    }
}
