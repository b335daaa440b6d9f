package dev.deadlineguard.sweep;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A time-ordered queue of ReplicaSet keys: each key is due at one instant, scheduling it again
 * replaces that instant, and {@link #takeDue} hands out the keys whose time has come, earliest first.
 * Thread-safe; {@link #awaitChange} lets a worker sleep until the earliest entry may have changed.
 */
public final class DeadlineQueue {

    private record Entry(Instant due, long seq, String key) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final TreeSet<Entry> byTime = new TreeSet<>();
    private final Map<String, Entry> byKey = new HashMap<>();
    private long seq;

    /** Makes {@code key} due at {@code at}, replacing any earlier schedule for it. */
    public synchronized void schedule(String key, Instant at) {
        Entry old = byKey.remove(key);
        if (old != null) {
            byTime.remove(old);
        }
        Entry entry = new Entry(at, seq++, key);
        byTime.add(entry);
        byKey.put(key, entry);
        notifyAll();
    }

    /** Makes {@code key} due at {@code at} unless it is already due earlier. */
    public synchronized void scheduleNoLaterThan(String key, Instant at) {
        Entry old = byKey.get(key);
        if (old == null || old.due().isAfter(at)) {
            schedule(key, at);
        }
    }

    public synchronized void remove(String key) {
        Entry old = byKey.remove(key);
        if (old != null) {
            byTime.remove(old);
        }
    }

    /** Removes and returns every key due at or before {@code now}, earliest first. */
    public synchronized List<String> takeDue(Instant now) {
        List<String> due = new ArrayList<>();
        while (!byTime.isEmpty() && !byTime.first().due().isAfter(now)) {
            Entry entry = byTime.pollFirst();
            byKey.remove(entry.key());
            due.add(entry.key());
        }
        return due;
    }

    public synchronized Optional<Instant> nextDue() {
        return byTime.isEmpty() ? Optional.empty() : Optional.of(byTime.first().due());
    }

    public synchronized Optional<Instant> dueOf(String key) {
        Entry entry = byKey.get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.due());
    }

    public synchronized int size() {
        return byKey.size();
    }

    /** Waits up to {@code maxMillis} or until the queue changes. */
    public synchronized void awaitChange(long maxMillis) throws InterruptedException {
        if (maxMillis > 0) {
            wait(maxMillis);
        }
    }

    /** Wakes any waiting worker (for shutdown). */
    public synchronized void wake() {
        notifyAll();
    }
}
