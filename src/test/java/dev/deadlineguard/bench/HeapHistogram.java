package dev.deadlineguard.bench;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live-object histogram of this JVM ({@code jcmd PID GC.class_histogram}, which collects garbage first), taken
 * from inside through the DiagnosticCommand MBean, and the difference between two of them: what a phase of a
 * benchmark left alive, by class.
 */
final class HeapHistogram {

    /** One class's live instances and bytes. */
    record Row(String className, long instances, long bytes) {
    }

    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private final Map<String, Row> rows;

    private HeapHistogram(Map<String, Row> rows) {
        this.rows = rows;
    }

    static HeapHistogram take() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Row> rows = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                rows.merge(m.group(3), new Row(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
                        (a, b) -> new Row(a.className(), a.instances() + b.instances(), a.bytes() + b.bytes()));
            }
        }
        return new HeapHistogram(rows);
    }

    long instances(String className) {
        Row row = rows.get(className);
        return row == null ? 0 : row.instances();
    }

    /**
     * Takes histograms until the mock API server has no watch messages left to send: at the start of a watch it
     * sends every stored object again as ADDED, as queued WebSocket messages that each hold the object's JSON, which
     * are the mock's memory, not the sweeper's. Gives up after {@code maxMillis}.
     */
    static HeapHistogram afterMockWatchesDrained(long maxMillis) throws Exception {
        long end = System.currentTimeMillis() + maxMillis;
        HeapHistogram histogram = take();
        while (histogram.instances("io.fabric8.mockwebserver.internal.WebSocketMessage") > 10
                && System.currentTimeMillis() < end) {
            Thread.sleep(500);
            histogram = take();
        }
        return histogram;
    }

    /** What {@code later} holds more than this one, largest first. */
    List<Row> growthTo(HeapHistogram later) {
        List<Row> growth = new ArrayList<>();
        later.rows.forEach((name, row) -> {
            Row before = rows.getOrDefault(name, new Row(name, 0, 0));
            growth.add(new Row(name, row.instances() - before.instances(), row.bytes() - before.bytes()));
        });
        growth.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return growth;
    }

    /** Writes growth rows as tab-separated lines (class, instances, bytes). */
    static void write(List<Row> growth, java.nio.file.Path file) throws java.io.IOException {
        StringBuilder text = new StringBuilder();
        growth.forEach(r -> text.append(r.className()).append('\t').append(r.instances()).append('\t').append(r.bytes()).append('\n'));
        java.nio.file.Files.writeString(file, text);
    }

    /** {@code growth} less the rows of {@code file} (as {@link #write} wrote them), class by class, largest first. */
    static List<Row> minus(List<Row> growth, java.nio.file.Path file) throws java.io.IOException {
        Map<String, Row> net = new HashMap<>();
        growth.forEach(r -> net.put(r.className(), r));
        for (String line : java.nio.file.Files.readAllLines(file)) {
            String[] f = line.split("\t");
            Row r = net.getOrDefault(f[0], new Row(f[0], 0, 0));
            net.put(f[0], new Row(f[0], r.instances() - Long.parseLong(f[1]), r.bytes() - Long.parseLong(f[2])));
        }
        List<Row> rows = new ArrayList<>(net.values());
        rows.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return rows;
    }

    static long total(List<Row> growth) {
        return growth.stream().mapToLong(Row::bytes).sum();
    }

    /** A Markdown table of the {@code top} largest growths, per item of {@code perItems} (instances and bytes each). */
    static void print(String what, List<Row> growth, int top, int perItems) {
        System.out.printf("%n%s, the %d largest classes of %.1f MiB:%n%n", what, top, total(growth) / 1048576.0);
        System.out.println("| class | instances | bytes | instances per RS | bytes per RS |");
        System.out.println("|---|---|---|---|---|");
        for (Row row : growth.subList(0, Math.min(top, growth.size()))) {
            System.out.printf("| %s | %d | %d | %.2f | %.0f |%n", row.className(), row.instances(), row.bytes(),
                    row.instances() / (double) perItems, row.bytes() / (double) perItems);
        }
    }
}
