package io.jenkins.plugins.awsdelivery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageLogTest {

    @Test
    void registeredSecretsAreMaskedInEveryLine() {
        List<String> lines = new ArrayList<>();
        StageLog log = StageLog.to(lines::add).mask("s3cr3t-token", "s3cr3t", "ab");

        log.info("token=s3cr3t-token and key=s3cr3t");
        log.warn("about %s", "s3cr3t");

        assertThat(lines).containsExactly("token=**** and key=****", "WARNING: about ****");
        assertThat(log.masked("ab stays: too short to be a secret")).startsWith("ab stays");
    }
}
