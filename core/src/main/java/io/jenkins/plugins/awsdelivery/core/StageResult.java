package io.jenkins.plugins.awsdelivery.core;

import java.util.Map;

/**
 * An immutable outcome of a stage. Pipeline gets {@link #toMap()}: only String, Number, Boolean,
 * List and Map values, so that it serializes with the build and is readable from Groovy.
 */
public interface StageResult {

    Map<String, Object> toMap();
}
