package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReviewDecoder}'s field-by-field reading of the kept tokens against the tree-based reading it
 * replaced ({@link TreeKeptDecoder}): over random reviews whose metadata, ownerReferences and
 * {@code spec.replicas} take every type, with fields given twice and in any order, both decode to
 * the same review and patch shape, or reject with the same message.
 */
class KeptDecoderDifferentialTest {

    private static final String[] STRINGS = {"", "a", "rs", "x~y/z", "scale-down-deadline",
            "argo-rollouts.argoproj.io/scale-down-deadline", "rollouts-pod-template-hash", "2024-08-01T15:13:36Z",
            "\\u00e9", "Rollout", "argoproj.io/v1alpha1", "k\\\"q"};
    private static final String[] JUNK = {"null", "true", "false", "0", "-1", "3", "2147483647", "2147483648",
            "-2147483649", "1.5", "1e2", "3.0", "-0", "99999999999999999999", "[]", "[1,\"a\"]", "{}",
            "{\"a\":\"b\"}", "\"s\""};
    private static final String[] CHECKS = {" is required for an UPDATE", "request.object must be a JSON object",
            ".metadata must be a JSON object", ".metadata.namespace must be a string", ".metadata.name must be a string",
            ".metadata.uid must be a string", ".metadata.labels must be a JSON object", ".metadata.labels[",
            ".metadata.annotations must be a JSON object", ".metadata.annotations[",
            ".metadata.ownerReferences must be a JSON array", ".spec must be a JSON object",
            ".spec.replicas must be a non-negative integer"};

    private final Random random = new Random(20261202L);

    @Test
    void randomReviewsDecodeAsWithTrees() throws Exception {
        int accepted = 0;
        int withController = 0;
        Set<String> messages = new TreeSet<>();
        for (int n = 0; n < 30_000; n++) {
            byte[] body = review().getBytes(StandardCharsets.UTF_8);
            Object before = outcome(body, true);
            Object now = outcome(body, false);
            assertThat(now).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(before);
            if (now instanceof DecodedReview review) {
                accepted++;
                if (review.input().object() != null && review.input().object().controller() != null) {
                    withController++;
                }
            } else {
                messages.add((String) now);
            }
        }
        assertThat(accepted).as("reviews accepted").isGreaterThan(3_000);
        assertThat(withController).as("accepted with a controller reference").isGreaterThan(500);
        for (String check : CHECKS) {
            assertThat(messages).as("some review fails the check '%s'", check).anyMatch(m -> m.contains(check));
        }
    }

    /** The decoded review, or the message it was rejected with. */
    private static Object outcome(byte[] body, boolean trees) throws Exception {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(body)) {
            return trees ? TreeKeptDecoder.decodeKept(parser) : ReviewDecoder.decodeKept(parser);
        } catch (BadReviewException e) {
            return e.getMessage();
        }
    }

    private String review() {
        List<String> fields = new ArrayList<>();
        fields.add(field("apiVersion", chance(97) ? "\"admission.k8s.io/v1\"" : junk()));
        fields.add(field("kind", chance(97) ? "\"AdmissionReview\"" : junk()));
        List<String> request = new ArrayList<>();
        request.add(field("uid", chance(98) ? "\"u1\"" : junk()));
        request.add(field("resource", "{\"group\":\"apps\",\"version\":\"v1\",\"resource\":\"replicasets\"}"));
        request.add(field("operation", chance(92) ? "\"UPDATE\"" : "\"CREATE\""));
        request.add(field("namespace", "\"shop\""));
        request.add(field("name", "\"rs1\""));
        request.add(field("userInfo", "{\"username\":\"me\"}"));
        if (chance(90)) {
            request.add(field("object", object()));
        }
        if (chance(90)) {
            request.add(field("oldObject", object()));
        }
        Collections.shuffle(request, random);
        fields.add(field("request", "{" + String.join(",", request) + "}"));
        return "{" + String.join(",", fields) + "}";
    }

    private String object() {
        if (chance(5)) {
            return junk();
        }
        List<String> fields = new ArrayList<>();
        fields.add(field("apiVersion", "\"apps/v1\""));
        repeat(fields, 90, "metadata", () -> chance(90) ? metadata() : junk());
        repeat(fields, 75, "spec", () -> chance(85) ? spec() : junk());
        if (chance(50)) {
            fields.add(field("status", "{\"replicas\":2,\"conditions\":[{\"type\":\"x\"}]}"));
        }
        Collections.shuffle(fields, random);
        return "{" + String.join(",", fields) + "}";
    }

    private String metadata() {
        List<String> fields = new ArrayList<>();
        repeat(fields, 80, "namespace", () -> chance(92) ? string() : junk());
        repeat(fields, 80, "name", () -> chance(92) ? string() : junk());
        repeat(fields, 60, "uid", () -> chance(92) ? string() : junk());
        repeat(fields, 70, "labels", () -> chance(90) ? stringMap() : junk());
        repeat(fields, 80, "annotations", () -> chance(90) ? stringMap() : junk());
        repeat(fields, 70, "ownerReferences", () -> chance(92) ? ownerReferences() : junk());
        repeat(fields, 40, "resourceVersion", () -> chance(80) ? "\"12\"" : junk());
        repeat(fields, 20, "deletionTimestamp", this::junk);
        Collections.shuffle(fields, random);
        return "{" + String.join(",", fields) + "}";
    }

    private String spec() {
        List<String> fields = new ArrayList<>();
        repeat(fields, 80, "replicas", () -> chance(60) ? String.valueOf(random.nextInt(5)) : junk());
        repeat(fields, 50, "template", () -> "{\"spec\":{\"containers\":[{\"name\":\"c\",\"replicas\":7}]}}");
        Collections.shuffle(fields, random);
        return "{" + String.join(",", fields) + "}";
    }

    private String stringMap() {
        List<String> entries = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            entries.add(field(STRINGS[random.nextInt(STRINGS.length)], chance(88) ? string() : junk()));
        }
        return "{" + String.join(",", entries) + "}";
    }

    private String ownerReferences() {
        List<String> refs = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            if (chance(15)) {
                refs.add(junk());
                continue;
            }
            List<String> fields = new ArrayList<>();
            repeat(fields, 85, "controller", () -> chance(80) ? (chance(70) ? "true" : "false") : junk());
            repeat(fields, 90, "apiVersion", () -> chance(90) ? "\"argoproj.io/v1alpha1\"" : junk());
            repeat(fields, 90, "kind", () -> chance(85) ? (chance(80) ? "\"Rollout\"" : "\"Deployment\"") : junk());
            repeat(fields, 90, "name", () -> chance(90) ? string() : junk());
            repeat(fields, 80, "uid", () -> chance(90) ? string() : junk());
            repeat(fields, 20, "blockOwnerDeletion", () -> "true");
            Collections.shuffle(fields, random);
            refs.add("{" + String.join(",", fields) + "}");
        }
        return "[" + String.join(",", refs) + "]";
    }

    /** Adds the field with probability {@code percent}, and now and then a second time with another value. */
    private void repeat(List<String> fields, int percent, String name, Supplier<String> value) {
        if (chance(percent)) {
            fields.add(field(name, value.get()));
            if (chance(8)) {
                fields.add(field(name, value.get()));
            }
        }
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    private String string() {
        return "\"" + STRINGS[random.nextInt(STRINGS.length)] + "\"";
    }

    private String junk() {
        return JUNK[random.nextInt(JUNK.length)];
    }

    private static String field(String name, String value) {
        return "\"" + name + "\":" + value;
    }
}
