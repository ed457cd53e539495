package io.jenkins.plugins.awsdelivery.core.spot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One running runtime per cloud identity. Jenkins builds a new cloud object on every save of its configuration
 * page; the registry hands the new object the runtime of its identity, so the running engine and its state go on.
 * A cloud whose identity changed gets a new runtime and the old one is retired (it drains); a runtime whose cloud
 * was deleted is retired by {@link #retainOnly}.
 *
 * @param <R> the runtime
 */
public final class RuntimeRegistry<R extends RuntimeRegistry.Retirable> {

    /** What the registry does to a runtime it lets go. */
    public interface Retirable {
        /** Stops taking work; what it runs winds down on its own threads. Must not block. */
        void retire();
    }

    private record Entry<R>(CloudIdentity identity, R runtime) {
    }

    private final Map<String, Entry<R>> byName = new HashMap<>();

    /** The runtime for this identity: the running one, or a new one (retiring the one of a changed identity). */
    public synchronized R obtain(CloudIdentity identity, Supplier<R> create) {
        Entry<R> e = byName.get(identity.name());
        if (e != null && e.identity().equals(identity)) {
            return e.runtime();
        }
        if (e != null) {
            e.runtime().retire();
        }
        R created = create.get();
        byName.put(identity.name(), new Entry<>(identity, created));
        return created;
    }

    /** The runtime running under a cloud name, or null. */
    public synchronized R find(String name) {
        Entry<R> e = byName.get(name);
        return e == null ? null : e.runtime();
    }

    /** Retires and forgets the runtimes of clouds no longer configured; returns them. */
    public synchronized List<R> retainOnly(Set<String> names) {
        List<R> gone = new ArrayList<>();
        byName.entrySet().removeIf(e -> {
            if (names.contains(e.getKey())) {
                return false;
            }
            e.getValue().runtime().retire();
            gone.add(e.getValue().runtime());
            return true;
        });
        return gone;
    }

    public synchronized int size() {
        return byName.size();
    }
}
