package io.jenkins.plugins.awsdelivery.spot;

import hudson.slaves.Cloud;
import java.util.function.Consumer;
import java.util.function.Function;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The single-template form of the {@code awsSpot} cloud, from before templates: the per-template fields at the
 * top level of the cloud. A saved {@code config.xml} of that time still carries them (read here by XStream, then
 * turned into the template "default" by {@link SpotCloud}'s {@code readResolve}), and a JCasC file of that time
 * still sets them through the deprecated setters below, which fill the template "default". Giving these fields
 * and {@code templates} together is refused. Nothing writes these fields back: a saved cloud has templates only.
 */
public abstract class SpotCloudFlatFields extends Cloud {

    // As saved before templates existed; null once turned into a template.
    private String launchTemplate;
    private String launchTemplateVersion;
    private String amiId;
    private String instanceProfile;
    private String securityGroupIds;
    private String initScript;
    private String instanceTypes;
    private Integer minVcpu;
    private Integer maxVcpu;
    private Integer minMemoryMiB;
    private Integer maxMemoryMiB;
    private String labelString;
    private Integer numExecutors;
    private String remoteFs;
    private String jvmOptions;
    private Integer minAgents;
    private Integer idleMinutes;
    private String keyName;

    protected SpotCloudFlatFields(String name) {
        super(name);
    }

    /** The template the flat fields describe, when this object was read from an old configuration; else null. */
    protected final SpotAgentTemplate takeSavedFlatFields() {
        if (launchTemplate == null && amiId == null && instanceTypes == null && labelString == null
                && numExecutors == null && minVcpu == null && remoteFs == null && idleMinutes == null) {
            return null;
        }
        SpotAgentTemplate t = new SpotAgentTemplate(SpotAgentTemplate.DEFAULT_NAME);
        t.setLaunchTemplate(launchTemplate);
        t.setLaunchTemplateVersion(launchTemplateVersion);
        t.setAmiId(amiId);
        t.setInstanceProfile(instanceProfile);
        t.setSecurityGroupIds(securityGroupIds);
        t.setInitScript(initScript);
        t.setInstanceTypes(instanceTypes);
        t.setMinVcpu(minVcpu == null ? 0 : minVcpu);
        t.setMaxVcpu(maxVcpu == null ? 0 : maxVcpu);
        t.setMinMemoryMiB(minMemoryMiB == null ? 0 : minMemoryMiB);
        t.setMaxMemoryMiB(maxMemoryMiB == null ? 0 : maxMemoryMiB);
        t.setLabelString(labelString);
        t.setNumExecutors(numExecutors == null ? 1 : numExecutors);
        t.setRemoteFs(remoteFs);
        t.setJvmOptions(jvmOptions);
        t.setMinAgents(minAgents == null ? 0 : minAgents);
        t.setIdleMinutes(idleMinutes == null ? 10 : idleMinutes);
        t.setKeyName(keyName);
        launchTemplate = launchTemplateVersion = amiId = instanceProfile = securityGroupIds = initScript = null;
        instanceTypes = labelString = remoteFs = jvmOptions = keyName = null;
        minVcpu = maxVcpu = minMemoryMiB = maxMemoryMiB = numExecutors = minAgents = idleMinutes = null;
        return t;
    }

    /**
     * The template "default" that an old flat field given now (JCasC, a script) goes to; refuses when the
     * configuration also gives {@code templates}.
     */
    protected abstract SpotAgentTemplate flatTemplate(String field);

    /** The first template, which the old getters read. */
    protected abstract SpotAgentTemplate firstTemplate();

    private void flat(String field, Consumer<SpotAgentTemplate> set) {
        set.accept(flatTemplate(field));
    }

    private <T> T first(Function<SpotAgentTemplate, T> get) {
        return get.apply(firstTemplate());
    }

    /** @deprecated use {@code templates}: the first template's launch template */
    @Deprecated
    public String getLaunchTemplate() {
        return first(SpotAgentTemplate::getLaunchTemplate);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setLaunchTemplate(String v) {
        flat("launchTemplate", t -> t.setLaunchTemplate(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getLaunchTemplateVersion() {
        return first(SpotAgentTemplate::getLaunchTemplateVersion);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setLaunchTemplateVersion(String v) {
        flat("launchTemplateVersion", t -> t.setLaunchTemplateVersion(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getAmiId() {
        return first(SpotAgentTemplate::getAmiId);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setAmiId(String v) {
        flat("amiId", t -> t.setAmiId(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getInstanceProfile() {
        return first(SpotAgentTemplate::getInstanceProfile);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setInstanceProfile(String v) {
        flat("instanceProfile", t -> t.setInstanceProfile(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getSecurityGroupIds() {
        return first(SpotAgentTemplate::getSecurityGroupIds);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setSecurityGroupIds(String v) {
        flat("securityGroupIds", t -> t.setSecurityGroupIds(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getInitScript() {
        return first(SpotAgentTemplate::getInitScript);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setInitScript(String v) {
        flat("initScript", t -> t.setInitScript(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getInstanceTypes() {
        return first(SpotAgentTemplate::getInstanceTypes);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setInstanceTypes(String v) {
        flat("instanceTypes", t -> t.setInstanceTypes(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public int getMinVcpu() {
        return first(SpotAgentTemplate::getMinVcpu);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setMinVcpu(int v) {
        flat("minVcpu", t -> t.setMinVcpu(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public int getMaxVcpu() {
        return first(SpotAgentTemplate::getMaxVcpu);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setMaxVcpu(int v) {
        flat("maxVcpu", t -> t.setMaxVcpu(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public int getMinMemoryMiB() {
        return first(SpotAgentTemplate::getMinMemoryMiB);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setMinMemoryMiB(int v) {
        flat("minMemoryMiB", t -> t.setMinMemoryMiB(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public int getMaxMemoryMiB() {
        return first(SpotAgentTemplate::getMaxMemoryMiB);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setMaxMemoryMiB(int v) {
        flat("maxMemoryMiB", t -> t.setMaxMemoryMiB(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getLabelString() {
        return first(SpotAgentTemplate::getLabelString);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setLabelString(String v) {
        flat("labelString", t -> t.setLabelString(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public int getNumExecutors() {
        return first(SpotAgentTemplate::getNumExecutors);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setNumExecutors(int v) {
        flat("numExecutors", t -> t.setNumExecutors(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getRemoteFs() {
        return first(SpotAgentTemplate::effectiveRemoteFs);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setRemoteFs(String v) {
        flat("remoteFs", t -> t.setRemoteFs(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getJvmOptions() {
        return first(SpotAgentTemplate::getJvmOptions);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setJvmOptions(String v) {
        flat("jvmOptions", t -> t.setJvmOptions(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public int getMinAgents() {
        return first(SpotAgentTemplate::getMinAgents);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setMinAgents(int v) {
        flat("minAgents", t -> t.setMinAgents(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public int getIdleMinutes() {
        return first(SpotAgentTemplate::getIdleMinutes);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setIdleMinutes(int v) {
        flat("idleMinutes", t -> t.setIdleMinutes(v));
    }

    /** @deprecated use {@code templates} */
    @Deprecated
    public String getKeyName() {
        return first(SpotAgentTemplate::getKeyName);
    }

    /** @deprecated set it on a template */
    @Deprecated
    @DataBoundSetter
    public void setKeyName(String v) {
        flat("keyName", t -> t.setKeyName(v));
    }
}
