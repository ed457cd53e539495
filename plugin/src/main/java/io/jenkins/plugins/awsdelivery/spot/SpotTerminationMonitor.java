package io.jenkins.plugins.awsdelivery.spot;

import hudson.Extension;
import hudson.model.AdministrativeMonitor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.interceptor.RequirePOST;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import jenkins.model.Jenkins;

/**
 * Tells administrators about Spot instances whose agent was deleted in Jenkins but which could not be terminated
 * (the cloud was deleted, or EC2 refused): they keep running, and costing, until someone terminates them.
 */
@Extension
public final class SpotTerminationMonitor extends AdministrativeMonitor {

    private final Map<String, String> failures = new LinkedHashMap<>();

    public static SpotTerminationMonitor get() {
        return AdministrativeMonitor.all().get(SpotTerminationMonitor.class);
    }

    synchronized void record(String instanceId, String why) {
        failures.put(instanceId, Instant.now() + ": " + why);
        while (failures.size() > 100) {
            failures.remove(failures.keySet().iterator().next());
        }
    }

    synchronized void resolved(String instanceId) {
        failures.remove(instanceId);
    }

    /** "instance: when and why", one line each. */
    public synchronized List<String> getFailures() {
        List<String> out = new ArrayList<>();
        failures.forEach((id, why) -> out.add(id + " - " + why));
        return out;
    }

    @Override
    public synchronized boolean isActivated() {
        return !failures.isEmpty();
    }

    @Override
    public String getDisplayName() {
        return "Spot instances left running";
    }

    @RequirePOST
    public synchronized HttpResponse doDismiss() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        failures.clear();
        return HttpResponses.forwardToPreviousPage();
    }
}
