package io.jenkins.plugins.awsdelivery.spot;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.slaves.RetentionStrategy;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Lets the engine decide: an agent takes builds while the engine wants it to, and is never removed by the
 * retention strategy itself (the engine retires idle agents in two phases, so a busy agent is never terminated).
 */
public final class SpotRetentionStrategy extends RetentionStrategy<SpotComputer> {

    @DataBoundConstructor
    public SpotRetentionStrategy() {}

    @Override
    public long check(@NonNull SpotComputer c) {
        return 1;
    }

    @Override
    public boolean isAcceptingTasks(SpotComputer c) {
        return c.acceptsWork();
    }

    @Override
    public void start(@NonNull SpotComputer c) {
        c.connect(false);
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<RetentionStrategy<?>> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SpotRetentionStrategy_DisplayName();
        }
    }
}
