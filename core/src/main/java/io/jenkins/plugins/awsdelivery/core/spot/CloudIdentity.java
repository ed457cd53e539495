package io.jenkins.plugins.awsdelivery.core.spot;

/**
 * What makes a Spot cloud the same cloud across saves: its instances are tagged with the name and the controller,
 * and found with the Region and credentials. Another value of any of them is another cloud; everything else
 * (labels, instance types, capacity) is configuration the running engine takes over.
 *
 * @param credentials the credentials ID and role the cloud uses, as one text ("" for the defaults)
 */
public record CloudIdentity(String name, String controllerId, String region, String credentials) {

    public CloudIdentity {
        region = region == null ? "" : region;
        credentials = credentials == null ? "" : credentials;
    }
}
