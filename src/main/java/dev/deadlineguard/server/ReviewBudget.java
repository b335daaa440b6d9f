package dev.deadlineguard.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What all reviews in flight may hold at once, in three budgets:
 * <ul>
 *   <li>a number of reviews;</li>
 *   <li>bytes of decoded state (what a {@code ReviewStream} keeps, plus the chunk being tokenized):
 *       a review that would go over is answered 429 at once;</li>
 *   <li>declared bytes of large bodies (over {@link #SMALL_BODY}): a large review reserves its
 *       Content-Length before its body is read, and waits briefly in line (without a thread) when
 *       the budget is taken; if its turn does not come soon it is answered 429. This keeps a burst
 *       of the largest reviews from being read all at once, each slower than the apiserver waits,
 *       and answers the rest fast (the apiserver then applies the webhook's failurePolicy). Small
 *       reviews, the usual ones, never wait for large ones.</li>
 * </ul>
 */
final class ReviewBudget {

    /** More than the connection cap: every open connection may carry one review. */
    static final int DEFAULT_MAX_REVIEWS = 2048;
    /**
     * 24 MiB: with a 150 MiB heap this leaves room for everything else. A typical review keeps under
     * 4 KiB; the largest ones (every annotation and label at the apiserver's size limits) keep about
     * 1 MiB.
     */
    static final long DEFAULT_MAX_BYTES = 24L * 1024 * 1024;

    /** Bodies up to this size do not take from the large-body budget. */
    static final long SMALL_BODY = 64 * 1024;
    /** 24 MiB of large bodies read at once: eight of the largest reviews (2.9 MB). */
    static final long DEFAULT_MAX_LARGE_BYTES = 24L * 1024 * 1024;

    /** A large review waiting for its turn. */
    interface Waiter {
        /** Its bytes are reserved now; called once, outside any lock. */
        void granted();
    }

    private record Waiting(Waiter waiter, long bytes) {
    }

    private final long maxLargeBytes;
    private long largeBytes;
    private final ArrayDeque<Waiting> line = new ArrayDeque<>();
    private final int maxReviews;
    private final long maxBytes;
    private final AtomicInteger reviews = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    ReviewBudget(int maxReviews, long maxBytes, long maxLargeBytes) {
        this.maxReviews = maxReviews;
        this.maxBytes = maxBytes;
        this.maxLargeBytes = maxLargeBytes;
    }

    static ReviewBudget defaults() {
        return new ReviewBudget(DEFAULT_MAX_REVIEWS, DEFAULT_MAX_BYTES, DEFAULT_MAX_LARGE_BYTES);
    }

    /**
     * Reserves {@code bytes} of the large-body budget (at most the whole budget, so that any body
     * up to the request limit can get its turn): {@code true} when reserved now, else the waiter is
     * put in line and {@link Waiter#granted} is called when its turn comes, unless
     * {@link #leaveLine} took it out first.
     */
    synchronized boolean reserveLarge(long bytes, Waiter waiter) {
        long n = Math.min(bytes, maxLargeBytes);
        if (line.isEmpty() && largeBytes + n <= maxLargeBytes) {
            largeBytes += n;
            return true;
        }
        line.add(new Waiting(waiter, n));
        return false;
    }

    /** Takes a waiter out of line; {@code false} when its turn came already (it holds its bytes). */
    synchronized boolean leaveLine(Waiter waiter) {
        return line.removeIf(w -> w.waiter() == waiter);
    }

    void releaseLarge(long bytes) {
        List<Waiter> granted = new ArrayList<>();
        synchronized (this) {
            largeBytes -= Math.min(bytes, maxLargeBytes);
            while (!line.isEmpty() && largeBytes + line.peek().bytes() <= maxLargeBytes) {
                Waiting next = line.poll();
                largeBytes += next.bytes();
                granted.add(next.waiter());
            }
        }
        granted.forEach(Waiter::granted);
    }

    /** Takes a review slot, or says {@code false} when all are taken. */
    boolean startReview() {
        if (reviews.incrementAndGet() > maxReviews) {
            reviews.decrementAndGet();
            return false;
        }
        return true;
    }

    void endReview() {
        reviews.decrementAndGet();
    }

    /** Takes {@code n} more bytes, or says {@code false} (and takes none) when they are not there. */
    boolean reserve(long n) {
        long now;
        do {
            now = bytes.get();
            if (now + n > maxBytes) {
                return false;
            }
        } while (!bytes.compareAndSet(now, now + n));
        return true;
    }

    void release(long n) {
        bytes.addAndGet(-n);
    }

    long bytesInUse() {
        return bytes.get();
    }

    int reviewsInFlight() {
        return reviews.get();
    }
}
