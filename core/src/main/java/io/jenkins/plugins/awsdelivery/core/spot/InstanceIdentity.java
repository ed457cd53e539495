package io.jenkins.plugins.awsdelivery.core.spot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The facts of a signed EC2 instance identity document that decide whether its instance gets an agent secret. */
public record InstanceIdentity(String instanceId, String accountId, String region, Instant pendingTime) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a document (JSON as IMDS serves it); empty when a field is missing or malformed. */
    public static Optional<InstanceIdentity> parse(byte[] document) {
        try {
            JsonNode n = JSON.readTree(document);
            if (n == null || !n.isObject()) {
                return Optional.empty();
            }
            String id = n.path("instanceId").asText("");
            String account = n.path("accountId").asText("");
            String region = n.path("region").asText("");
            String pending = n.path("pendingTime").asText("");
            if (!id.matches("i-[0-9a-f]{8,17}") || !account.matches("[0-9]{12}") || region.isEmpty()
                    || pending.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new InstanceIdentity(id, account, region, Instant.parse(pending)));
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
