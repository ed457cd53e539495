package io.jenkins.plugins.awsdelivery.core;

/** What a gate decided: let the release through, let it through marked unstable, or stop it. */
public enum GateVerdict { PASSED, UNSTABLE, FAILED }
