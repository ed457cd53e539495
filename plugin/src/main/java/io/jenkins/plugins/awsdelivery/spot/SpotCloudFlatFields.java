package io.jenkins.plugins.awsdelivery.spot;

import hudson.slaves.Cloud;
import java.util.function.Consumer;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The single-template form of the {@code awsSpot} cloud, from before templates: the per-template fields at the
 * top level of the cloud. A saved {@code config.xml} of that time still carries them (read here by XStream, then
 * turned into the template "default" by {@link SpotCloud}'s {@code readResolve}), and a JCasC file of that time
 * still sets them through the setters below, which fill the template "default" (the cloud logs that the form is
 * deprecated). Giving these fields and {@code templates} together is refused. The fields are null once turned into
 * a template and the getters return null, so neither a saved config.xml nor a JCasC export writes them back: a
 * saved or exported cloud has templates only. (They are not annotated {@code @Deprecated}: JCasC refuses deprecated
 * attributes by default, and old files must keep loading.)
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

    private void flat(String field, Consumer<SpotAgentTemplate> set) {
        set.accept(flatTemplate(field));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getLaunchTemplate() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setLaunchTemplate(String v) {
        flat("launchTemplate", t -> t.setLaunchTemplate(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getLaunchTemplateVersion() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setLaunchTemplateVersion(String v) {
        flat("launchTemplateVersion", t -> t.setLaunchTemplateVersion(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getAmiId() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setAmiId(String v) {
        flat("amiId", t -> t.setAmiId(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getInstanceProfile() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setInstanceProfile(String v) {
        flat("instanceProfile", t -> t.setInstanceProfile(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getSecurityGroupIds() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setSecurityGroupIds(String v) {
        flat("securityGroupIds", t -> t.setSecurityGroupIds(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getInitScript() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setInitScript(String v) {
        flat("initScript", t -> t.setInitScript(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getInstanceTypes() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setInstanceTypes(String v) {
        flat("instanceTypes", t -> t.setInstanceTypes(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public Integer getMinVcpu() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setMinVcpu(int v) {
        flat("minVcpu", t -> t.setMinVcpu(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public Integer getMaxVcpu() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setMaxVcpu(int v) {
        flat("maxVcpu", t -> t.setMaxVcpu(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public Integer getMinMemoryMiB() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setMinMemoryMiB(int v) {
        flat("minMemoryMiB", t -> t.setMinMemoryMiB(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public Integer getMaxMemoryMiB() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setMaxMemoryMiB(int v) {
        flat("maxMemoryMiB", t -> t.setMaxMemoryMiB(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getLabelString() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setLabelString(String v) {
        flat("labelString", t -> t.setLabelString(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public Integer getNumExecutors() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setNumExecutors(int v) {
        flat("numExecutors", t -> t.setNumExecutors(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getRemoteFs() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setRemoteFs(String v) {
        flat("remoteFs", t -> t.setRemoteFs(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getJvmOptions() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setJvmOptions(String v) {
        flat("jvmOptions", t -> t.setJvmOptions(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public Integer getMinAgents() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setMinAgents(int v) {
        flat("minAgents", t -> t.setMinAgents(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public Integer getIdleMinutes() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setIdleMinutes(int v) {
        flat("idleMinutes", t -> t.setIdleMinutes(v));
    }

    /** Old single-template form: always null (it is read from the templates). */
    public String getKeyName() {
        return null;
    }

    /** Old single-template form: sets the field of the template "default". */
    @DataBoundSetter
    public void setKeyName(String v) {
        flat("keyName", t -> t.setKeyName(v));
    }
}
