package io.jenkins.plugins.awsdelivery.core.trivy;

import java.util.Optional;

/**
 * Where the state of the last import of a repository is kept between runs: a build's own data in Jenkins, a file
 * for the command line. Without one, earlier findings are read back from Security Hub.
 */
public interface ImportStateStore {

    /** The earlier state and where it was found ("build #41", "state file x.json"). */
    record Earlier(ImportState state, String source) {}

    /** The state the last import of this product and repository left, if any is known. */
    Optional<Earlier> load(String productArn, String repository);

    /** Keeps the state this import leaves. */
    void save(ImportState state);

    /** No store: every import reads the earlier findings back from Security Hub. */
    static ImportStateStore none() {
        return new ImportStateStore() {
            @Override
            public Optional<Earlier> load(String productArn, String repository) {
                return Optional.empty();
            }

            @Override
            public void save(ImportState state) {
                // nothing kept
            }
        };
    }
}
