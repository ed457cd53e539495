package io.jenkins.plugins.awsdelivery.core.trivy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * ASFF JSON of SDK model objects, with the member names the Security Hub API uses. Used for the dry-run file and to
 * measure a finding against Security Hub's 240 KB limit.
 */
public final class AsffJson {

    static final ObjectMapper JSON = new ObjectMapper();

    private AsffJson() {}

    public static ObjectNode toJson(SdkPojo pojo) {
        ObjectNode out = JSON.createObjectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            JsonNode node = value(value);
            if (node != null) {
                out.set(field.locationName(), node);
            }
        }
        return out;
    }

    /** Size in bytes of the finding's JSON, as sent. */
    public static int size(SdkPojo pojo) {
        return toJson(pojo).toString().getBytes(StandardCharsets.UTF_8).length;
    }

    private static JsonNode value(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof SdkPojo p) {
            return toJson(p);
        }
        if (value instanceof Collection<?> c) {
            if (c instanceof software.amazon.awssdk.core.util.SdkAutoConstructList<?>) {
                return null;
            }
            ArrayNode a = JSON.createArrayNode();
            c.forEach(v -> {
                JsonNode n = value(v);
                if (n != null) {
                    a.add(n);
                }
            });
            return a;
        }
        if (value instanceof Map<?, ?> m) {
            if (m instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap<?, ?>) {
                return null;
            }
            ObjectNode o = JSON.createObjectNode();
            m.forEach((k, v) -> {
                JsonNode n = value(v);
                if (n != null) {
                    o.set(String.valueOf(k), n);
                }
            });
            return o;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return JSON.valueToTree(value);
        }
        if (value instanceof Instant i) {
            return JSON.getNodeFactory().textNode(i.toString());
        }
        return JSON.getNodeFactory().textNode(String.valueOf(value));
    }
}
