package dev.deadlineguard.core;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every row of {@code go-rfc3339.tsv}, Go 1.19's own verdict on a generated corpus (see tools/gotime): Rfc3339 must
 * accept exactly the values Go accepts, with the same instant, and reject the rest.
 */
class Rfc3339GoTableTest {

    record Row(int line, String value, Instant expected) {
    }

    @Test
    void agreesWithGoOnEveryRow() throws IOException {
        List<Row> rows = table();
        assertThat(rows).hasSizeGreaterThan(15_000);
        assertThat(rows.stream().filter(r -> r.expected() != null).count()).isGreaterThan(7_000);
        List<String> mismatches = new ArrayList<>();
        for (Row row : rows) {
            Optional<Instant> actual = Rfc3339.parse(row.value());
            Instant got = actual.orElse(null);
            if (!java.util.Objects.equals(got, row.expected())) {
                mismatches.add("line " + row.line() + " " + quoted(row.value()) + ": Go "
                        + (row.expected() == null ? "rejects" : row.expected()) + ", Rfc3339 "
                        + (got == null ? "rejects" : got));
            }
        }
        assertThat(mismatches).as("%d of %d rows disagree with Go", mismatches.size(), rows.size())
                .isEmpty();
    }

    @Test
    void tableHoldsTheLenientCasesTheIssueNames() throws IOException {
        List<Row> rows = table();
        assertThat(rows).filteredOn(r -> r.value().equals("2024-08-01T15:13:36,5Z")).singleElement()
                .extracting(Row::expected).isEqualTo(Instant.parse("2024-08-01T15:13:36.5Z"));
        assertThat(rows).filteredOn(r -> r.value().equals("2024-08-01T15:13:36+24:00")).singleElement()
                .extracting(Row::expected).isEqualTo(Instant.parse("2024-07-31T15:13:36Z"));
        assertThat(rows).filteredOn(r -> r.value().equals("2024-08-01T9:13:36Z")).singleElement()
                .extracting(Row::expected).isEqualTo(Instant.parse("2024-08-01T09:13:36Z"));
        assertThat(rows).filteredOn(r -> r.value().equals("2023-02-29T12:00:00Z")).singleElement()
                .extracting(Row::expected).isNull();
    }

    static List<Row> table() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = Rfc3339GoTableTest.class.getResourceAsStream("go-rfc3339.tsv")) {
            assertThat(in).as("go-rfc3339.tsv on the test class path").isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
            assertThat(lines[0]).startsWith("# Go's time.Parse(time.RFC3339, value)").contains("go1.19");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith("#") || lines[i].isEmpty()) {
                    continue;
                }
                String[] cols = lines[i].split("\t", -1);
                Instant expected = switch (cols[1]) {
                    case "ok" -> Instant.ofEpochSecond(Long.parseLong(cols[2]), Long.parseLong(cols[3]));
                    case "rejected" -> null;
                    default -> throw new IllegalStateException("line " + (i + 1) + ": unknown verdict " + cols[1]);
                };
                rows.add(new Row(i + 1, unescape(cols[0]), expected));
            }
        }
        return rows;
    }

    /** The table writes bytes outside printable ASCII (and %) as %XX of the value's UTF-8. */
    static String unescape(String escaped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '%') {
                bytes.write(Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String quoted(String value) {
        StringBuilder b = new StringBuilder("\"");
        value.codePoints().forEach(cp -> b.append(cp < 0x20 || cp >= 0x7f ? String.format("\\u%04x", cp)
                : Character.toString(cp)));
        return b.append('"').toString();
    }
}
