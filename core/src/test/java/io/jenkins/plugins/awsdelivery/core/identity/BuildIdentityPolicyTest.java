package io.jenkins.plugins.awsdelivery.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildIdentityPolicyTest {

    private static final String DEPLOY_ROLE = "arn:aws:iam::123456789012:role/deploy-staging";

    @Test
    void aStepWithoutAnyCredentialIsRefusedTheControllersAwsIdentityByDefault() {
        assertThatThrownBy(() -> BuildIdentityPolicy.strict().checkAws("ecsForceDeploy", false, null))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("ecsForceDeploy has no AWS credential")
                .satisfies(e -> assertThat(((StageException) e).describe())
                        .contains("credentialsId")
                        .contains("Builds may use the controller's own AWS identity")
                        .contains(BuildIdentityPolicy.SETTINGS));
    }

    @Test
    void aRoleOnTopOfTheControllersIdentityIsRefusedToo() {
        assertThatThrownBy(() -> BuildIdentityPolicy.strict().checkAws("awsHealthGate", false, DEPLOY_ROLE))
                .hasMessageContaining("no AWS credential");
    }

    @Test
    void theOptInLetsABuildUseTheControllersIdentity() {
        BuildIdentityPolicy optedIn = new BuildIdentityPolicy(true, false, List.of());

        assertThatCode(() -> optedIn.checkAws("ecsForceDeploy", false, DEPLOY_ROLE)).doesNotThrowAnyException();
        assertThatThrownBy(() -> optedIn.checkKubernetes("pxSnapshot", false))
                .as("the AWS opt-in says nothing about Kubernetes")
                .hasMessageContaining("pxSnapshot has no Kubernetes credential")
                .satisfies(e -> assertThat(((StageException) e).describe())
                        .contains("Builds may use the controller's own Kubernetes identity"));
    }

    @Test
    void aStepWithItsOwnCredentialNeedsNoOptIn() {
        assertThatCode(() -> BuildIdentityPolicy.strict().checkAws("ecsForceDeploy", true, DEPLOY_ROLE))
                .doesNotThrowAnyException();
        assertThatCode(() -> BuildIdentityPolicy.strict().checkKubernetes("pxSnapshot", true))
                .doesNotThrowAnyException();
        assertThatCode(() -> new BuildIdentityPolicy(false, true, List.of()).checkKubernetes("pxSnapshot", false))
                .doesNotThrowAnyException();
    }

    @Test
    void aKeylessCredentialThatAssumesARoleUsesTheControllersIdentityAndNeedsTheOptIn() {
        assertThatThrownBy(() -> BuildIdentityPolicy.strict().checkCredentialRole("ecsForceDeploy", "folder-aws", true,
                DEPLOY_ROLE))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("'folder-aws', which has no access key and assumes " + DEPLOY_ROLE)
                .satisfies(e -> assertThat(((StageException) e).describe())
                        .contains("Builds may use the controller's own AWS identity"));
        assertThatCode(() -> new BuildIdentityPolicy(true, false, List.of())
                .checkCredentialRole("ecsForceDeploy", "folder-aws", true, DEPLOY_ROLE)).doesNotThrowAnyException();
        assertThatCode(() -> BuildIdentityPolicy.strict()
                .checkCredentialRole("ecsForceDeploy", "folder-aws", false, DEPLOY_ROLE)).doesNotThrowAnyException();
        assertThatCode(() -> BuildIdentityPolicy.strict()
                .checkCredentialRole("ecsForceDeploy", "folder-aws", true, null)).doesNotThrowAnyException();
    }

    @Test
    void theRoleACredentialAssumesMustBeAllowedToo() {
        BuildIdentityPolicy policy = new BuildIdentityPolicy(false, false,
                List.of("arn:aws:iam::123456789012:role/deploy-*"));

        assertThatCode(() -> policy.checkCredentialRole("ecsForceDeploy", "c", false, DEPLOY_ROLE))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.checkCredentialRole("ecsForceDeploy", "c", false,
                "arn:aws:iam::123456789012:role/admin"))
                .hasMessageContaining("assumes role arn:aws:iam::123456789012:role/admin")
                .hasMessageContaining("deploy-*");
    }

    @Test
    void theAllowListLimitsTheRolesAStepMayAssume() {
        BuildIdentityPolicy policy = new BuildIdentityPolicy(false, false,
                List.of("arn:aws:iam::123456789012:role/deploy-*", "arn:aws:iam::*:role/readonly"));

        assertThat(policy.roleAllowed(DEPLOY_ROLE)).isTrue();
        assertThat(policy.roleAllowed("arn:aws:iam::210987654321:role/readonly")).isTrue();
        assertThat(policy.roleAllowed("arn:aws:iam::123456789012:role/admin")).isFalse();
        assertThat(policy.roleAllowed("arn:aws:iam::210987654321:role/readonly-plus")).isFalse();
        assertThatThrownBy(() -> policy.checkAws("ecsForceDeploy", true, "arn:aws:iam::123456789012:role/admin"))
                .hasMessageContaining("asks for role arn:aws:iam::123456789012:role/admin")
                .hasMessageContaining("deploy-*");
    }

    @Test
    void dotsInThePatternMatchOnlyDots() {
        BuildIdentityPolicy policy = new BuildIdentityPolicy(false, false,
                List.of("arn:aws:iam::123456789012:role/a.b"));

        assertThat(policy.roleAllowed("arn:aws:iam::123456789012:role/a.b")).isTrue();
        assertThat(policy.roleAllowed("arn:aws:iam::123456789012:role/axb")).isFalse();
    }

    @Test
    void anEmptyAllowListAllowsEveryRole() {
        assertThat(BuildIdentityPolicy.strict().roleAllowed("arn:aws:iam::123456789012:role/anything")).isTrue();
    }

    @Test
    void patternsAreParsedOnePerLineAndMistakesAreNamed() {
        assertThat(BuildIdentityPolicy.parsePatterns(" arn:aws:iam::123456789012:role/a\n\n"
                + "arn:aws-cn:iam::*:role/b , arn:*:iam::123456789012:role/c*\r\n"))
                .containsExactly("arn:aws:iam::123456789012:role/a", "arn:aws-cn:iam::*:role/b",
                        "arn:*:iam::123456789012:role/c*");
        assertThat(BuildIdentityPolicy.parsePatterns(null)).isEmpty();
        assertThatThrownBy(() -> BuildIdentityPolicy.parsePatterns("arn:aws:iam::123456789012:role/a\ndeploy-*"))
                .hasMessageContaining("'deploy-*' is not a role ARN pattern");
        assertThatThrownBy(() -> new BuildIdentityPolicy(true, true, List.of("*")))
                .isInstanceOf(StageException.class);
    }
}
