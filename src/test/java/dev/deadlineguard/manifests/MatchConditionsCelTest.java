package dev.deadlineguard.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The webhooks' matchConditions, compiled and evaluated with CEL the way the API server does: the
 * variables {@code object} and {@code oldObject} are dynamic maps (webhooks have no schema),
 * {@code oldObject} is null outside UPDATE. Checked against every sample AdmissionReview.
 */
class MatchConditionsCelTest {

    static final Path SAMPLES = Path.of("samples");
    static final ObjectMapper JSON = new ObjectMapper();

    static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            // has(), all(), exists(), ... as in every Kubernetes CEL environment
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN)
            .addVar("oldObject", SimpleType.DYN)
            .addVar("request", SimpleType.DYN)
            .setResultType(SimpleType.BOOL)
            .build();
    static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Every matchConditions expression of both webhook configurations (all variants render the same ones). */
    static List<MatchCondition> conditions() {
        List<MatchCondition> all = new ArrayList<>();
        for (Path dir : Kustomize.VARIANTS) {
            Rendered r = Rendered.of(dir);
            r.one(MutatingWebhookConfiguration.class).getWebhooks().forEach(w -> all.addAll(w.getMatchConditions()));
            r.one(ValidatingWebhookConfiguration.class).getWebhooks().forEach(w -> all.addAll(w.getMatchConditions()));
        }
        assertThat(all).isNotEmpty();
        return all;
    }

    static List<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().matches("\\d\\d-.*\\.json")).sorted().toList();
            assertThat(found).hasSizeGreaterThanOrEqualTo(15);
            return found;
        }
    }

    @Test
    void everyExpressionCompilesToABool() throws Exception {
        for (MatchCondition condition : conditions()) {
            CelAbstractSyntaxTree ast = compile(condition.getExpression());
            assertThat(ast.getResultType()).as(condition.getName()).isEqualTo(SimpleType.BOOL);
        }
    }

    @Test
    void theCompilerRejectsWhatTheApiServerWould() {
        assertThatThrownBy(() -> compile("has(object.metadata.annotations) &&")).isInstanceOf(CelValidationException.class);
        assertThatThrownBy(() -> compile("1 + 'x' == 2")).isInstanceOf(CelValidationException.class);
        assertThatThrownBy(() -> compile("'scale-down-deadline'")).isInstanceOf(CelValidationException.class);
        assertThatThrownBy(() -> compile("objct != null")).isInstanceOf(CelValidationException.class);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sendsASampleExactlyWhenEitherObjectCarriesAGuardedKey(Path sample) throws Exception {
        JsonNode request = JSON.readTree(sample.toFile()).path("request");
        boolean expected = carriesGuardedKey(request.path("object")) || carriesGuardedKey(request.path("oldObject"));
        for (MatchCondition condition : conditions()) {
            assertThat(matches(condition, request.path("object"), request.path("oldObject")))
                    .as(sample.getFileName() + " " + condition.getName()).isEqualTo(expected);
        }
    }

    @Test
    void everyDecisionRowSampleIsSent() throws Exception {
        // 01..13 are the decision-table rows: each carries a guarded key on at least one side.
        for (Path sample : samples()) {
            int number = Integer.parseInt(sample.getFileName().toString().substring(0, 2));
            if (number <= 13) {
                JsonNode request = JSON.readTree(sample.toFile()).path("request");
                assertThat(carriesGuardedKey(request.path("object")) || carriesGuardedKey(request.path("oldObject")))
                        .as(sample.getFileName().toString()).isTrue();
                assertThat(allMatch(request.path("object"), request.path("oldObject")))
                        .as(sample.getFileName().toString()).isTrue();
            }
        }
    }

    @Test
    void blankedIsSentFromTheNewObject() throws Exception {
        JsonNode request = JSON.readTree(SAMPLES.resolve("04-blanked.json").toFile()).path("request");
        assertThat(request.at("/object/metadata/annotations/scale-down-deadline").asText()).isEmpty();
        assertThat(allMatch(request.path("object"), request.path("oldObject"))).isTrue();
    }

    @Test
    void droppedIsSentFromTheOldObjectAlone() throws Exception {
        JsonNode request = JSON.readTree(SAMPLES.resolve("08-dropped-scale-down.json").toFile()).path("request");
        assertThat(carriesGuardedKey(request.path("object"))).isFalse();
        assertThat(allMatch(request.path("object"), request.path("oldObject"))).isTrue();
        assertThat(anyMatch(request.path("object"), request.path("object"))).isFalse();
    }

    @Test
    void documentedKeyIsSent() throws Exception {
        JsonNode request = JSON.readTree(SAMPLES.resolve("12-documented-key-blanked.json").toFile()).path("request");
        assertThat(request.at("/object/metadata/annotations").has("scale-down-deadline")).isFalse();
        assertThat(allMatch(request.path("object"), request.path("oldObject"))).isTrue();
    }

    @Test
    void objectsWithoutAGuardedKeyAreNotSent() throws Exception {
        JsonNode noAnnotations = JSON.readTree("{\"metadata\":{\"name\":\"rs\",\"labels\":{\"rollouts-pod-template-hash\":\"x\"}}}");
        JsonNode otherAnnotations = JSON.readTree("{\"metadata\":{\"name\":\"rs\",\"annotations\":"
                + "{\"rollout.argoproj.io/revision\":\"3\",\"scale-down-deadline-x\":\"\",\"x/scale-down-deadline\":\"\"}}}");
        JsonNode emptyAnnotations = JSON.readTree("{\"metadata\":{\"name\":\"rs\",\"annotations\":{}}}");
        for (JsonNode object : List.of(noAnnotations, otherAnnotations, emptyAnnotations)) {
            for (JsonNode old : List.of(noAnnotations, otherAnnotations, emptyAnnotations)) {
                assertThat(anyMatch(object, old)).as(object + " / " + old).isFalse();
            }
            // oldObject is null outside UPDATE (a CREATE reaching the webhook if someone widens its rules).
            assertThat(anyMatch(object, null)).isFalse();
        }
    }

    @Test
    void everyKeyTheServerGuardsIsSentAndTheServerGuardsEveryKeySent() throws Exception {
        for (String key : DeploymentTest.guardedKeys(DeploymentTest.deployment(Kustomize.BASE))) {
            JsonNode withKey = JSON.createObjectNode().set("metadata",
                    JSON.createObjectNode().set("annotations", JSON.createObjectNode().put(key, "")));
            JsonNode without = JSON.readTree("{\"metadata\":{}}");
            assertThat(allMatch(withKey, without)).as(key + " in object").isTrue();
            assertThat(allMatch(without, withKey)).as(key + " in oldObject").isTrue();
            assertThat(allMatch(withKey, null)).as(key + " without oldObject").isTrue();
        }
        // And no other key: the expression names exactly the guarded keys.
        for (MatchCondition condition : conditions()) {
            List<String> quoted = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("'([^']*)'").matcher(condition.getExpression());
            while (m.find()) {
                quoted.add(m.group(1));
            }
            assertThat(quoted).isNotEmpty();
            assertThat(quoted).allSatisfy(k -> assertThat(DeploymentTest.guardedKeys(DeploymentTest.deployment(Kustomize.BASE)))
                    .contains(k));
        }
    }

    // --- evaluation ---

    static CelAbstractSyntaxTree compile(String expression) throws CelValidationException {
        return COMPILER.compile(expression).getAst();
    }

    static boolean matches(MatchCondition condition, JsonNode object, JsonNode oldObject)
            throws CelValidationException, CelEvaluationException {
        CelRuntime.Program program = PROGRAMS.get(condition.getExpression());
        if (program == null) {
            program = RUNTIME.createProgram(compile(condition.getExpression()));
            PROGRAMS.put(condition.getExpression(), program);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("object", toCel(object));
        vars.put("oldObject", toCel(oldObject));
        vars.put("request", Map.of());
        Object result = program.eval(vars);
        assertThat(result).as(condition.getName() + " result").isInstanceOf(Boolean.class);
        return (Boolean) result;
    }

    /** All conditions true: the API server sends the request. */
    static boolean allMatch(JsonNode object, JsonNode oldObject) throws Exception {
        boolean all = true;
        for (MatchCondition condition : conditions()) {
            all &= matches(condition, object, oldObject);
        }
        return all;
    }

    static boolean anyMatch(JsonNode object, JsonNode oldObject) throws Exception {
        boolean any = false;
        for (MatchCondition condition : conditions()) {
            any |= matches(condition, object, oldObject);
        }
        return any;
    }

    /** What the JSON says, independently of CEL: a guarded key in metadata.annotations. */
    static boolean carriesGuardedKey(JsonNode object) {
        JsonNode annotations = object == null ? null : object.path("metadata").path("annotations");
        if (annotations == null || !annotations.isObject()) {
            return false;
        }
        return DeploymentTest.guardedKeys(DeploymentTest.deployment(Kustomize.BASE)).stream().anyMatch(annotations::has);
    }

    /** JSON as CEL's dynamic values: maps, lists, strings, int64, double, bool, null. */
    static Object toCel(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return dev.cel.common.values.NullValue.NULL_VALUE;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), toCel(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(toCel(item)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }
}
