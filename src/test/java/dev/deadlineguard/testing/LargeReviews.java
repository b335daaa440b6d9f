package dev.deadlineguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.admission.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The largest review the apiserver sends for a ReplicaSet update: sample 04 (a blanked deadline, so
 * {@code /mutate} answers with a patch) with both objects grown to about 1.4 MiB by a big pod
 * template (sidecars with many environment variables) and the {@code managedFields} that go with it,
 * 2.9 MB in all. {@code main} writes it, and sample 04 compact (as the apiserver sends JSON), for
 * the benchmark scripts.
 */
public final class LargeReviews {

    /** About 1.4 MiB per object: under etcd's 1.5 MiB request limit, as large as objects get. */
    static final int CONTAINERS = 58;
    static final int ENV_PER_CONTAINER = 80;

    private LargeReviews() {
    }

    public static byte[] twoReplicaSetsOf1400KiB() {
        try {
            JsonNode review = Samples.json("04-blanked");
            for (String side : new String[] {"object", "oldObject"}) {
                ObjectNode object = (ObjectNode) review.at("/request/" + side);
                ArrayNode containers = (ArrayNode) object.at("/spec/template/spec/containers");
                ObjectNode fields = Json.MAPPER.createObjectNode();
                JsonNode first = containers.get(0);
                for (int c = 0; c < CONTAINERS; c++) {
                    ObjectNode copy = first.deepCopy();
                    copy.put("name", "sidecar-" + c);
                    ArrayNode env = copy.withArray("env");
                    ObjectNode envFields = fields.putObject("k:{\"name\":\"sidecar-" + c + "\"}").putObject("f:env");
                    for (int e = 0; e < ENV_PER_CONTAINER; e++) {
                        String name = "SETTING_" + c + "_" + e;
                        env.addObject().put("name", name).put("value", "x".repeat(200));
                        ObjectNode f = envFields.putObject("k:{\"name\":\"" + name + "\"}");
                        f.putObject(".");
                        f.putObject("f:name");
                        f.putObject("f:value");
                    }
                    containers.add(copy);
                }
                ObjectNode entry = ((ObjectNode) object.get("metadata")).withArray("managedFields").addObject();
                entry.put("manager", "rollouts-controller").put("operation", "Update").put("apiVersion", "apps/v1")
                        .put("time", "2024-08-01T15:13:06Z").put("fieldsType", "FieldsV1");
                entry.putObject("fieldsV1").putObject("f:spec").putObject("f:template").putObject("f:spec")
                        .set("f:containers", fields);
            }
            byte[] bytes = Json.MAPPER.writeValueAsBytes(review);
            if (bytes.length < 2_800_000 || bytes.length > 3_000_000) {
                throw new IllegalStateException("the large review is " + bytes.length + " bytes, not about 2.9 MB");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code LargeReviews DIR}: writes {@code DIR/large.json} and {@code DIR/review.json} (sample 04, compact). */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: LargeReviews DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.write(dir.resolve("large.json"), twoReplicaSetsOf1400KiB());
        Files.write(dir.resolve("review.json"), Json.MAPPER.writeValueAsBytes(Samples.json("04-blanked")));
    }
}
