package io.jenkins.plugins.awsdelivery.core.health;

import java.util.ArrayList;
import java.util.List;

/** The console table of matching events. */
final class EventTable {

    private static final String[] HEADERS = {"SERVICE", "REGION", "EVENT TYPE", "STATUS", "SCOPE", "STARTED",
        "LAST UPDATE", "ENTITIES", "LATEST DESCRIPTION"};
    private static final int DESCRIPTION_WIDTH = 100;

    private EventTable() {}

    static List<String> render(List<HealthEvent> events) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (HealthEvent e : events) {
            rows.add(new String[] {e.service(), e.region(), e.eventTypeCode(), e.status(),
                e.accountSpecific() ? "account" : "public", String.valueOf(e.startTime()),
                String.valueOf(e.lastUpdatedTime()), Long.toString(e.affectedEntities()),
                shorten(e.latestDescription())});
        }
        int[] widths = new int[HEADERS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i] == null ? 4 : row[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i] == null ? "" : row[i];
                sb.append(i == row.length - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
            }
            lines.add(sb.toString().stripTrailing());
        }
        return lines;
    }

    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= DESCRIPTION_WIDTH ? s : s.substring(0, DESCRIPTION_WIDTH - 1) + "…";
    }
}
