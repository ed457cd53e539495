package io.jenkins.plugins.awsdelivery.trivy;

import java.util.List;

/** The parameters the Pipeline step and the freestyle build step share. */
interface TrivyParameters {

    String getReportFile();

    String getImage();

    List<String> getTrivyArguments();

    String getAccountId();

    String getProduct();

    List<String> getFailOn();

    boolean isIgnoreUnfixed();

    List<String> getIgnoreIds();

    String getIgnoreFile();

    List<String> getImportSeverities();

    boolean isArchiveFixed();

    boolean isDryRun();

    String getAsffFile();

    boolean isMarkUnstable();

    boolean isReconcile();

    /** The list parameters, as named in forms. */
    String[] LIST_FIELDS = {"trivyArguments", "failOn", "ignoreIds", "importSeverities"};
}
