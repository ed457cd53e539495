package io.jenkins.plugins.awsdelivery.core.spot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads the two shapes in which EC2 announces interruptions: EventBridge events (delivered to SQS) and the
 * instance metadata documents an agent reads from IMDS.
 */
public final class InterruptionEvents {

    static final String INTERRUPTION_DETAIL = "EC2 Spot Instance Interruption Warning";
    static final String REBALANCE_DETAIL = "EC2 Instance Rebalance Recommendation";

    private static final ObjectMapper JSON = new ObjectMapper();

    private InterruptionEvents() {}

    /**
     * An EventBridge event, as the body of an SQS message. Empty for other events (the rule may forward more than
     * these two); an error naming what is wrong for a body that is not such an event.
     */
    public static Optional<InterruptionNotice> fromEventBridge(String body) {
        JsonNode event = parse(body, "SQS message");
        String detailType = event.path("detail-type").asText("");
        if (!"aws.ec2".equals(event.path("source").asText(""))
                || !INTERRUPTION_DETAIL.equals(detailType) && !REBALANCE_DETAIL.equals(detailType)) {
            return Optional.empty();
        }
        JsonNode detail = event.path("detail");
        String instanceId = detail.path("instance-id").asText("");
        if (!instanceId.startsWith("i-")) {
            throw StageException.invalidInput("EventBridge event '" + detailType + "' has no detail.instance-id.",
                    "Check that the EventBridge rule forwards the event unchanged (no input transformer).");
        }
        Instant time = instant(event.path("time").asText(""), "time of the EventBridge event");
        if (INTERRUPTION_DETAIL.equals(detailType)) {
            // The warning comes two minutes before the action; the event time is when it was sent.
            return Optional.of(new InterruptionNotice(instanceId, NoticeKind.INTERRUPTION,
                    detail.path("instance-action").asText("terminate"), time.plusSeconds(120), "sqs"));
        }
        return Optional.of(new InterruptionNotice(instanceId, NoticeKind.REBALANCE, "", time, "sqs"));
    }

    /** IMDS {@code /latest/meta-data/spot/instance-action}: {"action": "terminate", "time": "..."}. */
    public static InterruptionNotice fromInstanceAction(String instanceId, String document) {
        JsonNode n = parse(document, "IMDS spot/instance-action");
        return new InterruptionNotice(instanceId, NoticeKind.INTERRUPTION, n.path("action").asText("terminate"),
                instant(n.path("time").asText(""), "time in IMDS spot/instance-action"), "imds");
    }

    /** IMDS {@code /latest/meta-data/events/recommendations/rebalance}: {"noticeTime": "..."}. */
    public static InterruptionNotice fromRebalance(String instanceId, String document) {
        JsonNode n = parse(document, "IMDS events/recommendations/rebalance");
        return new InterruptionNotice(instanceId, NoticeKind.REBALANCE, "",
                instant(n.path("noticeTime").asText(""), "noticeTime in IMDS rebalance recommendation"), "imds");
    }

    private static JsonNode parse(String text, String what) {
        try {
            JsonNode n = JSON.readTree(text == null ? "" : text);
            if (n == null || !n.isObject()) {
                throw StageException.invalidInput(what + " is not a JSON object: " + abbreviate(text),
                        "Expected the document EC2 publishes; check what writes to this source.");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw StageException.invalidInput(what + " is not JSON (" + e.getOriginalMessage() + "): "
                    + abbreviate(text), "Expected the document EC2 publishes; check what writes to this source.");
        }
    }

    private static Instant instant(String text, String what) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw StageException.invalidInput("The " + what + " is not an ISO-8601 time: '" + text + "'.",
                    "Expected a time such as 2026-12-01T10:00:00Z.");
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "(empty)";
        }
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
