package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** One runtime per cloud identity: a save keeps it, a changed identity or a deleted cloud retires it. */
class RuntimeRegistryTest {

    static final class Runtime implements RuntimeRegistry.Retirable {
        boolean retired;

        @Override
        public void retire() {
            retired = true;
        }
    }

    private final RuntimeRegistry<Runtime> registry = new RuntimeRegistry<>();
    private final CloudIdentity linux = new CloudIdentity("linux-spot", "jenkins-1", "eu-west-1", "aws-ci");

    @Test
    void savingACloudWithTheSameIdentityKeepsItsRuntime() {
        Runtime first = registry.obtain(linux, Runtime::new);
        Runtime afterSave = registry.obtain(new CloudIdentity("linux-spot", "jenkins-1", "eu-west-1", "aws-ci"),
                Runtime::new);

        assertThat(afterSave).isSameAs(first);
        assertThat(first.retired).isFalse();
    }

    @Test
    void anotherRegionOrCredentialRetiresTheOldRuntime() {
        Runtime first = registry.obtain(linux, Runtime::new);
        Runtime moved = registry.obtain(new CloudIdentity("linux-spot", "jenkins-1", "us-east-1", "aws-ci"),
                Runtime::new);
        Runtime rekeyed = registry.obtain(new CloudIdentity("linux-spot", "jenkins-1", "us-east-1", "other"),
                Runtime::new);

        assertThat(moved).isNotSameAs(first);
        assertThat(first.retired).isTrue();
        assertThat(moved.retired).isTrue();
        assertThat(rekeyed.retired).isFalse();
        assertThat(registry.find("linux-spot")).isSameAs(rekeyed);
    }

    @Test
    void theRuntimeOfADeletedOrRenamedCloudIsRetiredAndForgotten() {
        Runtime old = registry.obtain(linux, Runtime::new);
        Runtime windows = registry.obtain(new CloudIdentity("windows-spot", "jenkins-1", "eu-west-1", ""),
                Runtime::new);

        assertThat(registry.retainOnly(Set.of("windows-spot"))).containsExactly(old);

        assertThat(old.retired).isTrue();
        assertThat(windows.retired).isFalse();
        assertThat(registry.find("linux-spot")).isNull();
        assertThat(registry.size()).isEqualTo(1);
    }
}
