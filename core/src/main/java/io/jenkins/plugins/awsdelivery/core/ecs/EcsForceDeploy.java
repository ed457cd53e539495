package io.jenkins.plugins.awsdelivery.core.ecs;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import io.jenkins.plugins.awsdelivery.core.ecs.EcsDeployResult.Status;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy;
import io.jenkins.plugins.awsdelivery.core.wait.WaitState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * Starts a new ECS deployment and follows that one deployment to its real end. {@link #start()} validates and
 * changes the service; {@link #pollOnce()} is one look at the deployment, for the CLI's blocking loop and the Jenkins
 * step's timer alike; {@link #timedOut()} ends a wait that ran out of time.
 */
public final class EcsForceDeploy {

    private final EcsDeployRequest request;
    private final AwsClientFactory aws;
    private final Clock clock;
    private final StageLog log;
    private final RolloutWatcher watcher;
    private EcsDeployment deployment;

    public EcsForceDeploy(EcsDeployRequest request, AwsClientFactory aws, Clock clock, StageLog log) {
        this(request, aws, clock, log, null);
    }

    /** Resumes following a deployment started earlier (after a controller restart). */
    public EcsForceDeploy(EcsDeployRequest request, AwsClientFactory aws, Clock clock, StageLog log,
                          EcsDeployment started) {
        this.request = request;
        this.aws = aws;
        this.clock = clock;
        this.log = log;
        this.watcher = new RolloutWatcher(aws, log, request.requireDigest());
        this.deployment = started;
    }

    /** The deployment being followed, to persist after every poll; null before {@link #start()}. */
    public EcsDeployment deployment() {
        return deployment;
    }

    /** Polls between the request's bounds, backing off while nothing changes. */
    public WaitPolicy waitPolicy() {
        return request.waitPolicy();
    }

    public WaitState startWait() {
        return WaitState.start("ECS deployment " + deployment.deploymentId() + " of service " + request.service(),
                deployment.startedAt(), request.timeout());
    }

    /**
     * Validates the cluster, the service and the images, registers a new task definition revision when images are
     * given, and updates the service. Nothing is changed when validation fails.
     */
    public EcsDeployment start() {
        return start(intent -> { });
    }

    /**
     * As {@link #start()}, telling {@code beforeUpdate} what is about to be asked of ECS just before UpdateService:
     * the Jenkins step persists it there, so that {@link #resume(EcsDeployIntent)} can find the deployment after a
     * controller crash.
     */
    public EcsDeployment start(Consumer<EcsDeployIntent> beforeUpdate) {
        EcsClient ecs = ecs();
        Instant startedAt = clock.instant();
        Service service = validateService(ecs);
        String taskDefinitionArn = service.taskDefinition();
        Map<String, String> expectedImages = new LinkedHashMap<>();
        if (!request.images().isEmpty()) {
            DescribeTaskDefinitionResponse current = describeTaskDefinition(service.taskDefinition(),
                    "the service's current task definition", () -> ecs.describeTaskDefinition(
                            r -> r.taskDefinition(service.taskDefinition()).include(TaskDefinitionField.TAGS)));
            Map<String, String> images = resolveContainers(current.taskDefinition());
            TaskDefinition registered = new TaskDefinitionRevision(current, images).register(aws, ecs);
            taskDefinitionArn = registered.taskDefinitionArn();
            expectedImages.putAll(images);
            log.info("Registered %s with %s.", taskDefinitionArn, describeImages(images));
        } else if (request.taskDefinition() != null) {
            TaskDefinition given = describeTaskDefinition(request.taskDefinition(), "taskDefinition",
                    () -> ecs.describeTaskDefinition(r -> r.taskDefinition(request.taskDefinition()))).taskDefinition();
            taskDefinitionArn = given.taskDefinitionArn();
            given.containerDefinitions().forEach(c -> expectedImages.put(c.name(), c.image()));
        } else {
            TaskDefinition currentDefinition = describeTaskDefinition(service.taskDefinition(),
                    "the service's current task definition",
                    () -> ecs.describeTaskDefinition(r -> r.taskDefinition(service.taskDefinition()))).taskDefinition();
            currentDefinition.containerDefinitions().forEach(c -> expectedImages.put(c.name(), c.image()));
        }
        EcsDeployIntent intent = new EcsDeployIntent(startedAt, taskDefinitionArn, service.taskDefinition(),
                service.deployments().stream().map(Deployment::id).toList(), expectedImages);
        beforeUpdate.accept(intent);
        return update(ecs, intent);
    }

    /**
     * Goes on from an {@link EcsDeployIntent} persisted before a controller stopped, without a second deployment.
     * UpdateService takes no client token, so the deployment is recognised by what the update creates: a
     * deployment the service did not have before, of the revision this build asked for. Then:
     * <ul>
     *     <li>such a deployment exists (the oldest, if several): it is this build's; follow it;</li>
     *     <li>the service has no deployment it did not have before: the update never reached ECS; send it now;</li>
     *     <li>it has new deployments, none of this revision: someone else deployed since; this build cannot tell
     *     whether its own update happened and stops with a message rather than deploy over the other one.</li>
     * </ul>
     */
    public EcsDeployment resume(EcsDeployIntent intent) {
        EcsClient ecs = ecs();
        Service service = validateService(ecs);
        List<Deployment> fresh = service.deployments().stream()
                .filter(d -> !intent.deploymentsBefore().contains(d.id())).toList();
        Optional<Deployment> ours = fresh.stream().filter(d -> intent.taskDefinitionArn().equals(d.taskDefinition()))
                .min(Comparator.comparing(d -> d.createdAt() == null ? Instant.EPOCH : d.createdAt()));
        if (ours.isPresent()) {
            Deployment d = ours.get();
            String serviceDeploymentArn = findServiceDeployment(ecs, service, intent.startedAt()).orElse(null);
            deployment = new EcsDeployment(request.cluster(), request.service(), service.serviceArn(),
                    intent.taskDefinitionArn(), d.id(), serviceDeploymentArn, intent.startedAt(),
                    d.desiredCount() == null ? 0 : d.desiredCount(), intent.expectedImages(), List.of());
            log.info("Found deployment %s of service %s that this build started before the controller stopped; "
                    + "following it instead of deploying again.", d.id(), request.service());
            return deployment;
        }
        if (!fresh.isEmpty()) {
            throw new StageException(StageException.Kind.AWS, "ECS service '" + request.service() + "' has "
                    + "deployments this build did not start (" + String.join(", ", fresh.stream().map(Deployment::id)
                    .toList()) + ") and none of " + intent.taskDefinitionArn() + ": after the controller restart "
                    + "this build cannot tell whether its own update reached ECS.",
                    "Look at the service's deployments in the ECS console; run the build again to deploy anew.");
        }
        log.info("The update of service %s had not reached ECS when the controller stopped; sending it now.",
                request.service());
        return update(ecs, intent);
    }

    private EcsDeployment update(EcsClient ecs, EcsDeployIntent intent) {
        String target = intent.taskDefinitionArn();
        UpdateServiceRequest.Builder update = UpdateServiceRequest.builder().cluster(request.cluster())
                .service(request.service()).forceNewDeployment(request.forceNewDeployment());
        if (!target.equals(intent.previousTaskDefinitionArn())) {
            update.taskDefinition(target);
        }
        if (request.desiredCount() != null) {
            update.desiredCount(request.desiredCount());
        }
        Service updated = aws.call("ecs:UpdateService", () -> ecs.updateService(update.build())).service();
        var primary = updated.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst()
                .orElseThrow(() -> new StageException(StageException.Kind.AWS, "ECS accepted the update of service '"
                        + request.service() + "' but reported no PRIMARY deployment.",
                        "Look at the service's deployments in the ECS console."));
        String serviceDeploymentArn = findServiceDeployment(ecs, updated, intent.startedAt()).orElse(null);
        deployment = new EcsDeployment(request.cluster(), request.service(), updated.serviceArn(), target,
                primary.id(), serviceDeploymentArn, intent.startedAt(), primary.desiredCount(),
                intent.expectedImages(), List.of());
        log.info("Started deployment %s of service %s in cluster %s: %s, %d task(s)%s.", primary.id(),
                request.service(), request.cluster(), target, primary.desiredCount(),
                serviceDeploymentArn == null ? "" : " (" + serviceDeploymentArn + ")");
        return deployment;
    }

    /** One look at the deployment. */
    public PollOutcome<EcsDeployResult> pollOnce() {
        try {
            RolloutWatcher.Look look = watcher.look(deployment, clock.instant());
            deployment = look.deployment();
            return look.outcome();
        } catch (StageException e) {
            if (AwsErrors.isThrottling(e.getCause())) {
                return PollOutcome.throttled("ECS throttled the poll; polling more slowly");
            }
            throw e;
        }
    }

    /** The result when the wait ran out of time: diagnostics, and a rollback when the request asks for one. */
    public EcsDeployResult timedOut() {
        return watcher.timedOut(deployment, clock.instant(), request.timeout(), request.rollbackOnTimeout());
    }

    /**
     * Starts the deployment and, unless the request says not to wait, follows it to its end in the calling thread:
     * for the CLI and freestyle builds. Pipeline drives {@link #start()} and {@link #pollOnce()} on a timer instead.
     */
    public EcsDeployResult run(io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter waiter) {
        start();
        if (!request.waitForOutcome()) {
            return startedOnly();
        }
        return result(waiter.await(startWait(), this::pollOnce, s -> { }));
    }

    /** The result a finished wait stands for. */
    public EcsDeployResult result(io.jenkins.plugins.awsdelivery.core.wait.WaitDecision<EcsDeployResult> decision) {
        if (decision instanceof io.jenkins.plugins.awsdelivery.core.wait.WaitDecision.Finished<EcsDeployResult> f
                && f.outcome() instanceof PollOutcome.Done<EcsDeployResult> done) {
            return done.value();
        }
        return timedOut();
    }

    /** The result of a deployment that was started and not waited for. */
    public EcsDeployResult startedOnly() {
        return new EcsDeployResult(deployment.cluster(), deployment.service(), deployment.taskDefinitionArn(),
                deployment.deploymentId(), deployment.serviceDeploymentArn(), Status.IN_PROGRESS,
                "Deployment started; not waited for.", Duration.between(deployment.startedAt(), clock.instant()),
                0, deployment.desiredCount(), Map.of(), List.of(), List.of(), List.of(), false,
                aws.calls().attemptsTo("ECS"), aws.calls().attemptsByOperation("ECS"), watcher.warnings());
    }

    /**
     * DescribeTaskDefinition, with a task definition that does not exist reported as invalid input (like a missing
     * cluster or service) rather than an AWS error: ECS answers ClientException "Unable to describe task definition".
     */
    private DescribeTaskDefinitionResponse describeTaskDefinition(String name, String what,
            java.util.function.Supplier<DescribeTaskDefinitionResponse> call) {
        try {
            return aws.call("ecs:DescribeTaskDefinition", call);
        } catch (StageException e) {
            if (e.getCause() instanceof AwsServiceException ase && "ClientException".equals(AwsErrors.errorCode(ase))
                    && String.valueOf(ase.awsErrorDetails().errorMessage()).toLowerCase(java.util.Locale.ROOT)
                            .contains("unable to describe task definition")) {
                throw StageException.invalidInput("ECS task definition '" + name + "' (" + what + ") not found in "
                        + aws.settings().region() + ".", "Check the family and revision (family:revision) or ARN, "
                        + "and the region; nothing was deployed.");
            }
            throw e;
        }
    }

    private EcsClient ecs() {
        return aws.client(EcsClient::builder);
    }

    private Service validateService(EcsClient ecs) {
        String region = aws.settings().region();
        var clusters = aws.call("ecs:DescribeClusters", () -> ecs.describeClusters(r -> r.clusters(request.cluster())));
        Cluster cluster = clusters.clusters().stream().findFirst().orElseThrow(() -> StageException.invalidInput(
                "ECS cluster '" + request.cluster() + "' not found in " + region + ".",
                "Check the cluster name and the region."));
        if (!"ACTIVE".equals(cluster.status())) {
            throw StageException.invalidInput("ECS cluster '" + request.cluster() + "' is " + cluster.status()
                    + ", not ACTIVE.", "Deploy to an active cluster.");
        }
        var services = aws.call("ecs:DescribeServices", () -> ecs.describeServices(r -> r.cluster(request.cluster())
                .services(request.service())));
        Service service = services.services().stream().findFirst().orElseThrow(() -> StageException.invalidInput(
                "ECS service '" + request.service() + "' not found in cluster '" + request.cluster() + "' ("
                        + region + ").", "Check the service name and region."));
        if (!"ACTIVE".equals(service.status())) {
            throw StageException.invalidInput("ECS service '" + request.service() + "' is " + service.status()
                    + ", not ACTIVE.", "Create the service again, or deploy another one.");
        }
        DeploymentControllerType controller = service.deploymentController() == null
                ? DeploymentControllerType.ECS : service.deploymentController().type();
        if (controller == DeploymentControllerType.CODE_DEPLOY) {
            throw StageException.invalidInput("ECS service '" + request.service() + "' uses the CODE_DEPLOY "
                    + "deployment controller: ECS cannot start its deployments.",
                    "Deploy it with AWS CodeDeploy (a blue/green deployment of an AppSpec with the new task "
                            + "definition), for example with the aws codedeploy create-deployment command.");
        }
        if (controller == DeploymentControllerType.EXTERNAL) {
            throw StageException.invalidInput("ECS service '" + request.service() + "' uses the EXTERNAL deployment "
                    + "controller: its task sets are managed outside ECS.",
                    "Deploy it with the tool that manages its task sets (CreateTaskSet and "
                            + "UpdateServicePrimaryTaskSet).");
        }
        return service;
    }

    /** The container names the request's images go to, checked against the task definition. */
    private Map<String, String> resolveContainers(TaskDefinition td) {
        List<String> names = td.containerDefinitions().stream().map(ContainerDefinition::name).toList();
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : request.images().entrySet()) {
            String container = e.getKey();
            if (EcsDeployRequest.ONLY_CONTAINER.equals(container)) {
                if (names.size() != 1) {
                    throw StageException.invalidInput("Task definition " + td.family() + ":" + td.revision()
                            + " has " + names.size() + " containers " + names + "; a single image does not say which "
                            + "to change.", "Give image as a map of container name to image URI.");
                }
                container = names.get(0);
            } else if (!names.contains(container)) {
                throw StageException.invalidInput("Container '" + container + "' is not in task definition "
                        + td.family() + ":" + td.revision() + ".", "Use one of its containers: " + names + ".");
            }
            out.put(container, e.getValue());
        }
        return out;
    }

    private Optional<String> findServiceDeployment(EcsClient ecs, Service service, Instant startedAt) {
        try {
            List<ServiceDeploymentBrief> briefs = aws.call("ecs:ListServiceDeployments",
                    () -> ecs.listServiceDeployments(r -> r.cluster(request.cluster()).service(service.serviceArn())))
                    .serviceDeployments();
            return briefs.stream()
                    .filter(b -> b.createdAt() == null || !b.createdAt().isBefore(startedAt.minusSeconds(5)))
                    .max(Comparator.comparing(b -> b.createdAt() == null ? Instant.EPOCH : b.createdAt()))
                    .map(ServiceDeploymentBrief::serviceDeploymentArn);
        } catch (StageException e) {
            // The service is already updated: never fail the step over the optional ARN, follow the deployment
            // through the service's own deployments instead.
            String why = e.getCause() instanceof AwsServiceException ase
                    ? (AwsErrors.errorCode(ase).isEmpty() ? "HTTP " + ase.statusCode() : AwsErrors.errorCode(ase))
                    : e.getMessage();
            watcher.warn("ecs:ListServiceDeployments is not available (" + why + "); following the deployment "
                    + "through the service's deployments only, without a rollback on timeout.");
            return Optional.empty();
        }
    }

    private static String describeImages(Map<String, String> images) {
        List<String> parts = new ArrayList<>();
        images.forEach((c, i) -> parts.add(c + " = " + i));
        return String.join(", ", parts);
    }
}
