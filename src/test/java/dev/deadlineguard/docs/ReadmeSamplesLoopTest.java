package dev.deadlineguard.docs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.admission.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's loop over the samples sends AdmissionReviews only, and every one of them. */
class ReadmeSamplesLoopTest {

    @Test
    void theLoopGlobMatchesExactlyTheAdmissionReviews() throws Exception {
        Matcher loop = Pattern.compile("(?m)^for f in (samples/\\S+); do").matcher(Files.readString(Path.of("README.md")));
        assertThat(loop.find()).as("the samples loop in README.md").isTrue();
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + loop.group(1));

        List<Path> matched;
        List<Path> reviews;
        try (Stream<Path> samples = Files.list(Path.of("samples"))) {
            List<Path> json = samples.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            matched = json.stream().filter(glob::matches).toList();
            reviews = json.stream().filter(ReadmeSamplesLoopTest::isAdmissionReview).toList();
        }
        assertThat(matched).isEqualTo(reviews).hasSizeGreaterThan(10).doesNotContain(Path.of("samples/cluster-state.json"));
    }

    private static boolean isAdmissionReview(Path file) {
        try {
            JsonNode node = Json.MAPPER.readTree(file.toFile());
            return "AdmissionReview".equals(node.path("kind").asText());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
