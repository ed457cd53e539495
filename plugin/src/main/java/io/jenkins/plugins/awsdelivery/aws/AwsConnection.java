package io.jenkins.plugins.awsdelivery.aws;

import hudson.AbortException;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.aws.AssumeRole;
import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A step's own AWS parameters, kept with the step execution so that a resumed wait can rebuild its clients. Holds
 * only IDs and names, never a secret.
 *
 * <p>A waiting step {@linkplain #pinned() pins} its connection when it begins: the credentials ID, region, role and
 * endpoint in effect then (the step's own over the global defaults) are kept in its saved state, so that a build
 * resumed after a restart talks to the same account, region and endpoint even if the global configuration changed
 * meanwhile. The credential itself is looked up again, by ID, and the {@link io.jenkins.plugins.awsdelivery.core
 * .identity.BuildIdentityPolicy} is applied again.
 */
public final class AwsConnection implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String credentialsId;
    private final String region;
    private final String roleArn;
    private final String externalId;
    /** The step's function name, for messages; null in state saved by older versions. */
    private String step;
    /** True when the fields hold the settings in effect when the step began, global defaults included. */
    private boolean pinned;
    /** The endpoint override in effect when pinned. */
    private String endpoint;
    /** Pinned: the role came from the step itself (the allow-list applies), not from the global default. */
    private boolean roleFromStep;

    public AwsConnection(String credentialsId, String region, String roleArn, String externalId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
        this.region = Util.fixEmptyAndTrim(region);
        this.roleArn = Util.fixEmptyAndTrim(roleArn);
        this.externalId = Util.fixEmptyAndTrim(externalId);
        this.roleFromStep = this.roleArn != null;
    }

    /** The same connection, naming the step in messages. */
    public AwsConnection forStep(String functionName) {
        AwsConnection c = copy(credentialsId, region, roleArn, externalId);
        c.step = functionName;
        c.pinned = pinned;
        c.endpoint = endpoint;
        c.roleFromStep = roleFromStep;
        return c;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    public String getRegion() {
        return region;
    }

    public String getRoleArn() {
        return roleArn;
    }

    public String getExternalId() {
        return externalId;
    }

    public boolean isPinned() {
        return pinned;
    }

    public String getEndpoint() {
        return endpoint;
    }

    /**
     * The settings in effect now, fixed: the step's parameters filled in from the global defaults and the
     * environment's AWS_REGION. Resolving a pinned connection later ignores changes of the global configuration.
     */
    public AwsConnection pinned() {
        if (pinned) {
            return this;
        }
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        boolean stepRole = roleArn != null;
        AwsConnection c = copy(credentialsId != null ? credentialsId : global.getDefaultCredentialsId(),
                firstNonNull(region, global.getDefaultRegion(), Util.fixEmptyAndTrim(System.getenv("AWS_REGION"))),
                stepRole ? roleArn : global.getDefaultRoleArn(), stepRole ? externalId : global.getDefaultExternalId());
        c.step = step;
        c.pinned = true;
        c.endpoint = global.getEndpointOverride();
        c.roleFromStep = stepRole;
        return c;
    }

    /** For the build log: where this connection goes, without secrets. */
    public String describe() {
        return (region == null ? "the default region" : region)
                + (credentialsId == null ? " with the controller's own AWS identity"
                : " with credentials '" + credentialsId + "'")
                + (roleArn == null ? "" : ", assuming " + roleArn)
                + (endpoint == null ? "" : ", endpoint " + endpoint);
    }

    /**
     * The settings for this build: the step's parameters over the global defaults over the controller's
     * environment (core's {@link AwsSettings#resolve} applies the precedence), or the pinned ones. Refused, before
     * any call, when the {@link io.jenkins.plugins.awsdelivery.core.identity.BuildIdentityPolicy} does not allow
     * them.
     */
    private String stepName() {
        return step == null ? "This AWS step" : step;
    }

    public ResolvedAws resolve(Run<?, ?> run, TaskListener listener) throws AbortException {
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        boolean hasCredential = pinned ? credentialsId != null
                : credentialsId != null || global.getDefaultCredentialsId() != null;
        try {
            // State saved before roleFromStep existed reads it as false: unpinned, any role here came from the step.
            global.identityPolicy().checkAws(stepName(), hasCredential,
                    (pinned ? roleFromStep : roleArn != null) ? roleArn : null);
        } catch (StageException e) {
            global.refused(run);
            throw new AbortException(e.describe());
        }
        List<String> secrets = new ArrayList<>();
        String session = roleArn != null || !pinned && global.getDefaultRoleArn() != null
                ? AssumeRole.sessionNameFrom(run.getParent().getFullName() + "-" + run.getNumber()) : null;
        AwsSettings.Layer step = AwsSettings.Layer.EMPTY.withRegion(region).withRole(roleArn, externalId);
        if (credentialsId != null) {
            AwsCredentialsLookup.Resolved c = AwsCredentialsLookup.forBuild(credentialsId, run,
                    global.identityPolicy(), stepName());
            step = step.withCredentials(c.source());
            secrets.addAll(c.secrets());
        }
        List<AwsSettings.Layer> layers = new ArrayList<>();
        if (pinned) {
            layers.add(step.withEndpoint(endpoint == null ? null : URI.create(endpoint))
                    .withSession(roleArn == null ? null : session, null));
        } else {
            AwsSettings.Layer defaults = AwsSettings.Layer.EMPTY.withRegion(global.getDefaultRegion())
                    .withRole(global.getDefaultRoleArn(), global.getDefaultExternalId())
                    .withEndpoint(global.getEndpointOverride() == null ? null
                            : URI.create(global.getEndpointOverride()));
            if (credentialsId == null && global.getDefaultCredentialsId() != null) {
                AwsCredentialsLookup.Resolved c = AwsCredentialsLookup.forBuild(global.getDefaultCredentialsId(), run);
                defaults = defaults.withCredentials(c.source());
                secrets.addAll(c.secrets());
            }
            if (session != null) {
                step = step.withSession(session, null);
                defaults = defaults.withSession(session, null);
            }
            layers.add(step);
            layers.add(defaults);
        }
        try {
            return new ResolvedAws(AwsSettings.resolve(layers, System.getenv("AWS_REGION")), new ArrayList<>(secrets));
        } catch (StageException e) {
            throw new AbortException(e.describe());
        }
    }

    private AwsConnection copy(String credentials, String reg, String role, String external) {
        return new AwsConnection(credentials, reg, role, external);
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
