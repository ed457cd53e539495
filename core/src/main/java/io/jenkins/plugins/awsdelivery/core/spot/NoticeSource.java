package io.jenkins.plugins.awsdelivery.core.spot;

import java.util.List;

/** Where the engine reads interruption notices from when agents do not report them themselves. */
public interface NoticeSource {

    /** One receive: the notices found, problems with unreadable messages, and the API calls it took. */
    Batch receive();

    record Batch(List<InterruptionNotice> notices, List<String> problems, int messages, List<String> calls) {
        public Batch {
            notices = List.copyOf(notices);
            problems = List.copyOf(problems);
            calls = List.copyOf(calls);
        }
    }
}
