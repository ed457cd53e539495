package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;

/** Reads nested fields of custom resources, which fabric8 gives as maps and lists (the test fakes read them too). */
public final class Maps {

    private Maps() {}

    /** The value at {@code path} below a resource's top-level fields or a map; null where any step is missing. */
    public static Object at(Object root, String... path) {
        Object current = root instanceof GenericKubernetesResource r ? r.getAdditionalProperties() : root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
