package dev.deadlineguard.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.policy.ValidateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz tests of the review path (decode, decide, encode): whatever the body, {@code /mutate} and
 * {@code /validate} answer with a well-formed response AdmissionReview or a {@code BadReviewException}
 * (the documented 400), never an escaping exception, a fail-open (an internal error), a hang or a
 * response the apiserver would refuse. {@link ReviewOracle} says exactly what is checked, and
 * {@link Watchdog} turns an input that runs for over 10 s into a finding.
 *
 * <p>In the normal test run (no {@code JAZZER_FUZZ}) each fuzz test only replays its saved inputs from
 * {@code src/test/resources/dev/deadlineguard/fuzz/ReviewFuzzTestInputs/<method>/}. To fuzz, one method
 * at a time: {@code JAZZER_FUZZ=1 mvn -B test -Dtest='ReviewFuzzTest#rawBytes'} (or {@code #structured});
 * new coverage goes to {@code .cifuzz-corpus/}, crashes to the inputs directory, where they then fail the
 * normal run until fixed ({@code -Djazzer.keep_going=N} goes on past the first N distinct findings). Keep
 * the inputs directory small: copy in only entries that add coverage (libFuzzer's {@code -merge=1} into a
 * copy of the current inputs says which).
 */
class ReviewFuzzTest {

    /** A guarded key that needs both RFC 6901 escapes in a patch path. */
    static final String ODD_KEY = "deadline~guard.example.com/scale-down-deadline";
    /** A guarded key near the 316-character limit, to stress message clipping. */
    static final String LONG_KEY = "very-long-prefix.example.com/" + "scale-down-deadline-".repeat(14);

    /** The default configuration first: what the fuzzer sees when it says nothing. */
    static final List<GuardConfig> CONFIGS = List.of(
            GuardConfig.defaults(),
            GuardConfig.defaults().withValidateMode(ValidateMode.WARN),
            new GuardConfig(List.of(GuardConfig.CONTROLLER_KEY, GuardConfig.DOCUMENTED_KEY, ODD_KEY),
                    Set.of(GuardConfig.DEFAULT_CONTROLLER), ValidateMode.ENFORCE, Set.of("kube-system")),
            new GuardConfig(List.of(LONG_KEY, GuardConfig.CONTROLLER_KEY), Set.of(), ValidateMode.WARN, Set.of("shop")));

    /** The realistic requests of {@code samples/}, sorted by name (01 .. 15). */
    static final List<ObjectNode> SAMPLES = loadSamples();

    private static final String INPUTS = "ReviewFuzzTestInputs";
    private static final String HOOKS = "jazzer.hooks";
    private static String hooksBefore;

    /**
     * In the normal run, replay without Jazzer's instrumentation agent. The oracle is the assertions, not
     * Jazzer's sanitizers; with the agent, every class loaded afterwards in the shared Surefire JVM
     * (the rest of the suite too) is rewritten for hooks, which costs seconds and changes other tests'
     * environment. JUnit reads configuration parameters from system properties when they are looked
     * up, which is after {@code @BeforeAll}. When fuzzing, or when the system property
     * {@code jazzer.hooks} is already set, nothing changes.
     */
    @BeforeAll
    static void replayWithoutInstrumentation() {
        hooksBefore = System.getProperty(HOOKS);
        if (!fuzzing() && hooksBefore == null) {
            System.setProperty(HOOKS, "false");
        }
    }

    @AfterAll
    static void restoreInstrumentationSetting() {
        if (hooksBefore == null) {
            System.clearProperty(HOOKS);
        }
    }

    private static boolean fuzzing() {
        String env = System.getenv("JAZZER_FUZZ");
        boolean byEnv = env != null && !env.isEmpty() && !env.equals("0") && !env.equalsIgnoreCase("false");
        return byEnv || System.getProperty("jazzer.fuzz") != null;
    }

    /** Raw bytes straight into the reviewer, with the default configuration. */
    @DictionaryEntries({
            "\"apiVersion\"", "\"admission.k8s.io/v1\"", "\"admission.k8s.io/v1beta1\"", "\"kind\"",
            "\"AdmissionReview\"", "\"request\"", "\"uid\"", "\"resource\"", "\"group\"", "\"apps\"", "\"version\"",
            "\"v1\"", "\"replicasets\"", "\"subResource\"", "\"operation\"", "\"UPDATE\"", "\"userInfo\"",
            "\"username\"", "\"system:serviceaccount:argo-rollouts:argo-rollouts\"", "\"dryRun\"", "\"object\"",
            "\"oldObject\"", "\"metadata\"", "\"annotations\"", "\"labels\"", "\"ownerReferences\"",
            "\"controller\"", "\"Rollout\"", "\"rollouts-pod-template-hash\"", "\"spec\"", "\"replicas\"",
            "\"scale-down-deadline\"", "\"argo-rollouts.argoproj.io/scale-down-deadline\"",
            "\"2024-08-01T15:13:36Z\"", "\"\"", "\"namespace\"", "\"name\"", "null", "true", "false",
            "\\u0000", "\\ud800", "{}", "[]",
    })
    @FuzzTest(maxDuration = "3m")
    void rawBytes(byte[] body) {
        Watchdog.run(() -> ReviewOracle.check(CONFIGS.get(0), body));
    }

    /**
     * A real sample, mutated field by field (annotation values, types, scope, replicas, owners, labels,
     * nesting, and byte-level edits), under one of {@link #CONFIGS}.
     */
    @FuzzTest(maxDuration = "4m")
    void structured(FuzzedDataProvider data) {
        ObjectNode review = SAMPLES.get(data.consumeInt(0, SAMPLES.size() - 1)).deepCopy();
        GuardConfig config = CONFIGS.get(data.consumeInt(0, CONFIGS.size() - 1));
        ReviewMutator.mutate(data, review);
        byte[] body = ReviewMutator.encode(data, review);
        Watchdog.run(() -> ReviewOracle.check(config, body));
    }

    /** Without its inputs a fuzz test replays only the empty input, and would pass unnoticed. */
    @Test
    void savedInputsAreOnTheTestClasspath() throws Exception {
        for (String method : List.of("rawBytes", "structured")) {
            URL dir = ReviewFuzzTest.class.getResource(INPUTS + "/" + method);
            assertThat(dir).as("inputs directory of %s", method).isNotNull();
            try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
                assertThat(files.filter(Files::isRegularFile).count()).as("inputs of %s", method).isGreaterThanOrEqualTo(15);
            }
        }
        assertThat(SAMPLES).hasSize(15);
    }

    @Test
    void everySampleIsAnsweredUnderEveryConfiguration() {
        for (GuardConfig config : CONFIGS) {
            for (ObjectNode sample : SAMPLES) {
                ReviewOracle.check(config, sample.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static List<ObjectNode> loadSamples() {
        Path dir = Path.of("samples");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d\\d-.*\\.json"))
                    .sorted()
                    .map(ReviewFuzzTest::readSample)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the samples are read from " + dir.toAbsolutePath(), e);
        }
    }

    private static ObjectNode readSample(Path file) {
        try {
            return (ObjectNode) ReviewOracle.STRICT.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
