package dev.deadlineguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.BadReviewException;
import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.policy.GuardConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The review path (decode, decide, encode) on the shipped samples, about 10.5 KB each with their pod
 * template, one per decision case, plus a 1 MiB review. Run with {@code bench/review.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class ReviewBenchmark {

    @Param({"01-unchanged", "02-set", "04-blanked", "05-blanked-no-prior", "06-invalid", "07-invalid-no-prior",
            "08-dropped-scale-down", "09-dropped-by-controller", "10-dropped-by-other", "11-blank-removed",
            "12-documented-key-blanked", "14-scale-subresource", "15-not-argo", "large-1mib"})
    public String review;

    /** mutate or validate; any case (JMH itself would only take the upper-case enum names). */
    @Param({"mutate", "validate"})
    public String endpoint;
    private Endpoint target;

    private AdmissionReviewer reviewer;
    private byte[] body;

    @Setup
    public void setUp() throws IOException {
        target = java.util.Arrays.stream(Endpoint.values()).filter(e -> e.name().equalsIgnoreCase(endpoint.strip())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("-p endpoint=" + endpoint + ": expected mutate or validate"));
        reviewer = new AdmissionReviewer(GuardConfig.defaults());
        body = "large-1mib".equals(review) ? large() : Files.readAllBytes(Path.of("samples", review + ".json"));
    }

    /** Sample 04 with a pod template grown to about 1 MiB (many containers with env vars), both sides. */
    static byte[] large() throws IOException {
        JsonNode review = Json.MAPPER.readTree(Files.readAllBytes(Path.of("samples/04-blanked.json")));
        for (String side : new String[] {"object", "oldObject"}) {
            ArrayNode containers = (ArrayNode) review.at("/request/" + side + "/spec/template/spec/containers");
            JsonNode first = containers.get(0);
            for (int c = 0; c < 40; c++) {
                ObjectNode copy = first.deepCopy();
                copy.put("name", "sidecar-" + c);
                ArrayNode env = copy.withArray("env");
                for (int e = 0; e < 66; e++) {
                    env.addObject().put("name", "SETTING_" + c + "_" + e).put("value", "x".repeat(150));
                }
                containers.add(copy);
            }
        }
        byte[] bytes = Json.MAPPER.writeValueAsBytes(review);
        if (bytes.length < 1_040_000 || bytes.length > 1_200_000) {
            throw new IllegalStateException("large review is " + bytes.length + " bytes");
        }
        return bytes;
    }

    @Benchmark
    public byte[] decideAndAnswer() throws BadReviewException {
        return reviewer.review(target, body).body();
    }
}
