package io.jenkins.plugins.awsdelivery.trivy;

import hudson.model.InvisibleAction;

/**
 * Kept with a build that imported Trivy findings: which product and image repository, and the file in the build's
 * directory that lists what was sent (an {@link io.jenkins.plugins.awsdelivery.core.trivy.ImportState}). The next
 * build of the job finds it and archives fixed findings without reading Security Hub back.
 */
public final class TrivyImportStateAction extends InvisibleAction {

    private final String productArn;
    private final String repository;
    private final String fileName;
    private final int findings;

    public TrivyImportStateAction(String productArn, String repository, String fileName, int findings) {
        this.productArn = productArn;
        this.repository = repository;
        this.fileName = fileName;
        this.findings = findings;
    }

    public String getProductArn() {
        return productArn;
    }

    public String getRepository() {
        return repository;
    }

    /** The state file's name in the build directory's {@link BuildImportStateStore#DIRECTORY}. */
    public String getFileName() {
        return fileName;
    }

    public int getFindings() {
        return findings;
    }

    boolean isFor(String product, String repo) {
        return productArn.equals(product) && repository.equals(repo);
    }
}
