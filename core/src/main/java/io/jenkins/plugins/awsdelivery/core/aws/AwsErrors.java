package io.jenkins.plugins.awsdelivery.core.aws;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;

/** Turns AWS SDK exceptions into {@link StageException}s that say what was refused and what to do. */
public final class AwsErrors {

    private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AccessDeniedException",
            "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError", "AuthorizationErrorException",
            "NotAuthorized", "UnauthorizedException");
    private static final Set<String> EXPIRED = Set.of("ExpiredToken", "ExpiredTokenException", "RequestExpired",
            "TokenRefreshRequired");
    private static final Set<String> INVALID_CREDENTIALS = Set.of("InvalidClientTokenId", "UnrecognizedClientException",
            "InvalidAccessKeyId", "AuthFailure", "SignatureDoesNotMatch", "InvalidSignatureException",
            "IncompleteSignature", "InvalidToken");
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestLimitExceeded", "TooManyRequestsException", "RequestThrottled", "RequestThrottledException",
            "SlowDown", "LimitExceededException", "ProvisionedThroughputExceededException");

    /** "... is not authorized to perform: ecs:UpdateService on resource: ..." */
    private static final Pattern REFUSED_ACTION = Pattern.compile("perform:? ([a-zA-Z0-9-]+:[A-Za-z0-9*]+)");

    private AwsErrors() {}

    /** True when AWS asked the caller to slow down. */
    public static boolean isThrottling(Throwable e) {
        if (e instanceof AwsServiceException ase) {
            return ase.isThrottlingException() || THROTTLING.contains(errorCode(ase));
        }
        return false;
    }

    /** True for failures that may succeed when tried again later: throttling, 5xx, timeouts, lost connections. */
    public static boolean isTransient(Throwable e) {
        if (isThrottling(e)) {
            return true;
        }
        if (e instanceof AwsServiceException ase) {
            return ase.statusCode() >= 500;
        }
        return e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || hasCause(e, ConnectException.class) || hasCause(e, SocketTimeoutException.class);
    }

    public static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? "" : e.awsErrorDetails().errorCode();
    }

    /**
     * @param action the IAM action of the call, such as {@code ecs:UpdateService}; named when access is denied
     *     and AWS's own message does not say which action it refused
     */
    public static StageException translate(SdkException e, String action, AwsSettings settings) {
        if (e instanceof AwsServiceException ase) {
            return translateService(ase, action, settings);
        }
        String where = settings.endpointOverride().map(Object::toString)
                .orElse("the " + serviceOf(action) + " endpoint in " + settings.region());
        if (hasCause(e, UnknownHostException.class)) {
            if (settings.endpointOverride().isEmpty() && !Region.regions().contains(Region.of(settings.region()))) {
                return new StageException(StageException.Kind.AWS,
                        "AWS region '" + settings.region() + "' is unknown: its endpoint for " + action
                                + " does not resolve.",
                        "Check the region name; the AWS SDK in use knows regions such as us-east-1 and eu-west-1.",
                        e);
            }
            return unreachable(e, action, where, "its host name does not resolve");
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || hasCause(e, SocketTimeoutException.class)) {
            return unreachable(e, action, where, "it did not answer in time");
        }
        if (hasCause(e, ConnectException.class)) {
            return unreachable(e, action, where, "the connection was refused or failed");
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("Unable to load credentials")) {
            return new StageException(StageException.Kind.AWS,
                    "No AWS credentials were found for " + action + ".",
                    "Name an AWS credential (the step's or the Spot cloud's credentialsId, the default credentials "
                            + "in the global configuration, or --profile on the command line), or provide "
                            + "credentials to the default chain (environment, profile, instance role).",
                    e);
        }
        return new StageException(StageException.Kind.AWS, action + " failed: " + message, "", e);
    }

    private static StageException translateService(AwsServiceException e, String action, AwsSettings settings) {
        String code = errorCode(e);
        String awsMessage = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        awsMessage = awsMessage == null ? "" : awsMessage;
        String identity = settings.describe();
        if (isAccessDenied(e)) {
            String refused = refusedAction(awsMessage).orElse(action);
            return new StageException(StageException.Kind.AWS,
                    "AWS denied " + refused + " (" + code + "): " + awsMessage,
                    "Allow " + refused + " in the IAM policy of the identity used (" + identity + ").", e);
        }
        if (EXPIRED.contains(code)) {
            return new StageException(StageException.Kind.AWS,
                    "The AWS credentials used for " + action + " have expired (" + code + ").",
                    "Refresh the session token, or use credentials that renew themselves: a role to assume, "
                            + "a web identity or an instance profile.", e);
        }
        if (INVALID_CREDENTIALS.contains(code)) {
            return new StageException(StageException.Kind.AWS,
                    "AWS did not accept the credentials used for " + action + " (" + code + "): " + awsMessage,
                    "Check the access key ID and secret (" + settings.credentials().describe() + "), and that they "
                            + "belong to the partition of region " + settings.region() + ".", e);
        }
        if (isThrottling(e)) {
            return new StageException(StageException.Kind.AWS,
                    "AWS throttled " + action + " and retries did not get through (" + code + ").",
                    "Run fewer builds against this account and region at once, or raise the retry attempts.", e);
        }
        return new StageException(StageException.Kind.AWS,
                action + " failed (" + (code.isEmpty() ? "HTTP " + e.statusCode() : code) + "): " + awsMessage,
                "", e);
    }

    private static StageException unreachable(SdkException e, String action, String where, String why) {
        return new StageException(StageException.Kind.AWS,
                "Could not reach " + where + " for " + action + ": " + why + ".",
                "Check the region, the endpoint override, proxies and the network path from this machine to AWS.",
                e);
    }

    /** True when AWS refused the call for lack of permission (not for expired or unknown credentials). */
    public static boolean isAccessDenied(Throwable e) {
        if (e instanceof AwsServiceException ase) {
            String code = errorCode(ase);
            return ACCESS_DENIED.contains(code) || ase.statusCode() == 403 && !EXPIRED.contains(code)
                    && !INVALID_CREDENTIALS.contains(code);
        }
        return false;
    }

    /** True when AWS did not accept the credentials themselves (expired, unknown key, bad signature). */
    public static boolean isCredentialsProblem(Throwable e) {
        return e instanceof AwsServiceException ase
                && (EXPIRED.contains(errorCode(ase)) || INVALID_CREDENTIALS.contains(errorCode(ase)));
    }

    /**
     * The IAM action AWS says it refused ("... not authorized to perform: iam:PassRole ..."), else {@code action}:
     * a dry-run CreateFleet may be refused for {@code iam:PassRole} or {@code ec2:RunInstances}.
     */
    public static String deniedAction(AwsServiceException e, String action) {
        String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        return refusedAction(message).orElse(action);
    }

    static java.util.Optional<String> refusedAction(String message) {
        Matcher m = REFUSED_ACTION.matcher(message == null ? "" : message);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    private static String serviceOf(String action) {
        int colon = action == null ? -1 : action.indexOf(':');
        return colon > 0 ? action.substring(0, colon) : "AWS";
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
