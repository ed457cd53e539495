package io.jenkins.plugins.awsdelivery.spot;

import hudson.plugins.sshslaves.SSHLauncher;
import hudson.plugins.sshslaves.verifiers.NonVerifyingKeyVerificationStrategy;
import hudson.slaves.ComputerLauncher;
import jenkins.model.Jenkins;

/**
 * SSH agents through the SSH Build Agents plugin, an optional dependency: only this class refers to it, and only
 * when a cloud is set to SSH.
 */
final class SshConnection {

    private SshConnection() {}

    static boolean available() {
        return Jenkins.get().getPlugin("ssh-slaves") != null;
    }

    /**
     * An SSH launcher for a fresh Spot instance: it retries while the instance boots (up to 5 minutes), and does not
     * verify host keys, because every Spot instance has new ones (agents are reached on their private address).
     */
    static ComputerLauncher launcher(String host, int port, String credentialsId, String jvmOptions) {
        SSHLauncher l = new SSHLauncher(host, port, credentialsId);
        l.setSshHostKeyVerificationStrategy(new NonVerifyingKeyVerificationStrategy());
        l.setMaxNumRetries(30);
        l.setRetryWaitTime(10);
        l.setLaunchTimeoutSeconds(60);
        if (jvmOptions != null) {
            l.setJvmOptions(jvmOptions);
        }
        return l;
    }
}
