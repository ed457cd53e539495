package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Interruption notices from an SQS queue that an EventBridge rule fills with EC2's "Spot Instance Interruption
 * Warning" and "Instance Rebalance Recommendation" events. One queue per cloud: every message read is deleted,
 * so that a malformed or foreign message cannot come back forever; malformed ones are reported.
 */
public final class SqsInterruptionSource implements NoticeSource {

    private final AwsClientFactory aws;
    private final String queueUrl;
    private final int waitSeconds;

    /** @param waitSeconds long-poll time, 0 to 20; 20 keeps the call count to at most three a minute */
    public SqsInterruptionSource(AwsClientFactory aws, String queueUrl, int waitSeconds) {
        checkQueueUrl(queueUrl);
        this.aws = aws;
        this.queueUrl = queueUrl;
        this.waitSeconds = Math.max(0, Math.min(20, waitSeconds));
    }

    /** Throws when {@code queueUrl} is not an SQS queue URL; the cloud's form checks with the same rule. */
    public static void checkQueueUrl(String queueUrl) {
        if (queueUrl == null || !queueUrl.matches("https?://.+/\\d{12}/[A-Za-z0-9_-]{1,80}(\\.fifo)?")) {
            throw StageException.invalidInput("'" + queueUrl + "' is not an SQS queue URL.",
                    "Give the queue URL, such as https://sqs.eu-west-1.amazonaws.com/123456789012/spot-notices.");
        }
    }

    public String queueUrl() {
        return queueUrl;
    }

    /** One ReceiveMessage (long poll) and, when it got messages, one DeleteMessageBatch. */
    @Override
    public Batch receive() {
        List<String> calls = new ArrayList<>();
        calls.add("Sqs.ReceiveMessage");
        SqsClient sqs = aws.client(SqsClient::builder);
        ReceiveMessageResponse received = aws.call("sqs:ReceiveMessage", () -> sqs.receiveMessage(r -> r
                .queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)));
        List<InterruptionNotice> notices = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<DeleteMessageBatchRequestEntry> delete = new ArrayList<>();
        for (Message m : received.messages()) {
            try {
                Optional<InterruptionNotice> n = InterruptionEvents.fromEventBridge(m.body());
                n.ifPresent(notices::add);
            } catch (StageException e) {
                problems.add("Message " + m.messageId() + " from " + queueUrl + " skipped: " + e.describe());
            }
            delete.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(delete.size()))
                    .receiptHandle(m.receiptHandle()).build());
        }
        if (!delete.isEmpty()) {
            calls.add("Sqs.DeleteMessageBatch");
            DeleteMessageBatchResponse deleted = aws.call("sqs:DeleteMessage", () -> sqs.deleteMessageBatch(r -> r
                    .queueUrl(queueUrl).entries(delete)));
            deleted.failed().forEach(f -> problems.add("Could not delete a message from " + queueUrl + " ("
                    + f.code() + ": " + f.message() + "); it will be read again."));
        }
        return new Batch(notices, problems, received.messages().size(), calls);
    }
}
