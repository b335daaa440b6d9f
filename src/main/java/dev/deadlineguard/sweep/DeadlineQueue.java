package dev.deadlineguard.sweep;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A time-ordered queue of ReplicaSet keys: each key is due at one instant, scheduling it again
 * replaces that instant, and {@link #takeDue} hands out the keys whose time has come, earliest first
 * (keys due at the same instant in the order they were scheduled). Thread-safe; {@link #awaitChange}
 * lets a worker sleep until the earliest entry may have changed.
 *
 * <p>It may hold a key for every cached ReplicaSet, so an entry is one small object (the key, the due
 * instant as seconds and nanoseconds, a sequence number and its place in a binary heap) in a hash map
 * by key and a heap array, and the key is the string the cache keeps, not a copy.
 */
public final class DeadlineQueue {

    private static final class Entry {
        final String key;
        long seconds;
        int nanos;
        long seq;
        int index;

        Entry(String key) {
            this.key = key;
        }

        boolean before(Entry o) {
            if (seconds != o.seconds) {
                return seconds < o.seconds;
            }
            if (nanos != o.nanos) {
                return nanos < o.nanos;
            }
            return seq < o.seq;
        }

        boolean dueBy(Instant now) {
            return seconds < now.getEpochSecond() || (seconds == now.getEpochSecond() && nanos <= now.getNano());
        }

        Instant due() {
            return Instant.ofEpochSecond(seconds, nanos);
        }
    }

    private final Map<String, Entry> byKey = new HashMap<>();
    private Entry[] heap = new Entry[16];
    private int size;
    private long seq;

    /** Makes {@code key} due at {@code at}, replacing any earlier schedule for it. */
    public synchronized void schedule(String key, Instant at) {
        Entry entry = byKey.get(key);
        if (entry == null) {
            entry = new Entry(key);
            byKey.put(key, entry);
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            entry.index = size;
            heap[size++] = entry;
        }
        entry.seconds = at.getEpochSecond();
        entry.nanos = at.getNano();
        entry.seq = seq++;
        siftUp(entry.index);
        siftDown(entry.index);
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
            removeAt(old.index);
        }
    }

    /** Removes and returns every key due at or before {@code now}, earliest first. */
    public synchronized List<String> takeDue(Instant now) {
        List<String> due = new ArrayList<>();
        while (size > 0 && heap[0].dueBy(now)) {
            Entry entry = heap[0];
            removeAt(0);
            byKey.remove(entry.key);
            due.add(entry.key);
        }
        return due;
    }

    public synchronized Optional<Instant> nextDue() {
        return size == 0 ? Optional.empty() : Optional.of(heap[0].due());
    }

    public synchronized Optional<Instant> dueOf(String key) {
        Entry entry = byKey.get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.due());
    }

    public synchronized int size() {
        return size;
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

    private void removeAt(int i) {
        Entry last = heap[--size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.index = i;
            siftUp(i);
            siftDown(last.index);
        }
        if (heap.length > 16 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, heap.length / 2);
        }
    }

    private void siftUp(int i) {
        Entry entry = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (!entry.before(p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = entry;
        entry.index = i;
    }

    private void siftDown(int i) {
        Entry entry = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].before(heap[child])) {
                child = right;
            }
            if (!heap[child].before(entry)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = entry;
        entry.index = i;
    }
}
