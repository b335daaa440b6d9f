package dev.deadlineguard.sweep;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A cache listener that writes down what it was told, in order ("changed ns/name", "removed ns/name"). */
final class RecordingListener implements ReplicaSetCache.Listener {

    /** What was told so far; safe to read while the informers' threads add to it. */
    final List<String> told = new CopyOnWriteArrayList<>();

    @Override
    public void changed(String key) {
        told.add("changed " + key);
    }

    @Override
    public void removed(String namespace, String name) {
        told.add("removed " + namespace + "/" + name);
    }
}
