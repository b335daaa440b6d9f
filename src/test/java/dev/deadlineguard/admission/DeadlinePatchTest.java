package dev.deadlineguard.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.policy.DeadlineCase;
import dev.deadlineguard.core.DeadlineValue;
import dev.deadlineguard.policy.KeyFinding;
import io.fabric8.zjsonpatch.JsonPatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlinePatchTest {

    static final String KEY = "scale-down-deadline";
    static final String DOC_KEY = "argo-rollouts.argoproj.io/scale-down-deadline";
    static final String D1 = "2024-08-01T15:13:36Z";

    @Test
    void restoreReplacesAnExistingBlankValue() throws Exception {
        JsonNode object = json("{'metadata':{'name':'rs','annotations':{'scale-down-deadline':'','a':'b'}},'spec':{'replicas':3}}");
        JsonNode patch = patch(object, List.of(finding(KEY, DeadlineCase.BLANKED, D1, "")));

        assertThat(patch).isEqualTo(json("[{'op':'replace','path':'/metadata/annotations/scale-down-deadline','value':'" + D1 + "'}]"));
        assertThat(JsonPatch.apply(patch, object)).isEqualTo(
                json("{'metadata':{'name':'rs','annotations':{'scale-down-deadline':'" + D1 + "','a':'b'}},'spec':{'replicas':3}}"));
    }

    @Test
    void restoreAddsADroppedKeyAndEscapesSlashes() throws Exception {
        JsonNode object = json("{'metadata':{'annotations':{'a':'b'}}}");
        JsonNode patch = patch(object, List.of(finding(DOC_KEY, DeadlineCase.DROPPED, D1, null)));

        assertThat(patch).isEqualTo(json("[{'op':'add','path':'/metadata/annotations/argo-rollouts.argoproj.io~1scale-down-deadline','value':'" + D1 + "'}]"));
        assertThat(JsonPatch.apply(patch, object).at("/metadata/annotations")).isEqualTo(json("{'a':'b','" + DOC_KEY + "':'" + D1 + "'}"));
    }

    @Test
    void restoreCreatesTheAnnotationsMapWhenTheUpdateDroppedAllAnnotations() throws Exception {
        JsonNode object = json("{'metadata':{'name':'rs'}}");
        JsonNode patch = patch(object, List.of(
                finding(KEY, DeadlineCase.DROPPED, D1, null), finding(DOC_KEY, DeadlineCase.DROPPED, D1, null)));

        assertThat(patch).isEqualTo(json("[{'op':'add','path':'/metadata/annotations','value':{'" + KEY + "':'" + D1 + "','" + DOC_KEY + "':'" + D1 + "'}}]"));
        assertThat(JsonPatch.apply(patch, object)).isEqualTo(json("{'metadata':{'name':'rs','annotations':{'" + KEY + "':'" + D1 + "','" + DOC_KEY + "':'" + D1 + "'}}}"));
    }

    @Test
    void restoreCreatesMetadataWhenTheObjectHasNone() throws Exception {
        JsonNode object = json("{'spec':{}}");
        JsonNode patch = patch(object, List.of(finding(KEY, DeadlineCase.DROPPED, D1, null)));
        assertThat(JsonPatch.apply(patch, object)).isEqualTo(json("{'spec':{},'metadata':{'annotations':{'" + KEY + "':'" + D1 + "'}}}"));
    }

    @Test
    void removeDeletesOnlyTheGuardedKey() throws Exception {
        JsonNode object = json("{'metadata':{'annotations':{'scale-down-deadline':'tomorrow','x~y':'1'}}}");
        JsonNode patch = patch(object, List.of(finding(KEY, DeadlineCase.INVALID_NO_PRIOR, null, "tomorrow")));

        assertThat(patch).isEqualTo(json("[{'op':'remove','path':'/metadata/annotations/scale-down-deadline'}]"));
        assertThat(JsonPatch.apply(patch, object)).isEqualTo(json("{'metadata':{'annotations':{'x~y':'1'}}}"));
    }

    @Test
    void aShapeHasNoAnnotationsWithoutMetadata() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ObjectShape(false, java.util.Set.of("k")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("annotations without metadata");
        assertThat(new ObjectShape(true, null).hasAnnotations()).isFalse();
    }

    @Test
    void pointerEscapesTildeBeforeSlash() {
        assertThat(DeadlinePatch.annotationPointer("a~b/c")).isEqualTo("/metadata/annotations/a~0b~1c");
    }

    static KeyFinding finding(String key, DeadlineCase c, String before, String after) {
        return new KeyFinding(key, c, DeadlineValue.of(before), DeadlineValue.of(after));
    }

    /** The patch for this object, read back as JSON. */
    static JsonNode patch(JsonNode object, List<KeyFinding> violations) throws Exception {
        return Json.MAPPER.readTree(DeadlinePatch.build(shape(object), violations));
    }

    /** What the decoder tells the patch of a JSON object. */
    static ObjectShape shape(JsonNode object) {
        JsonNode metadata = object.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            return ObjectShape.NONE;
        }
        JsonNode annotations = metadata.get("annotations");
        if (annotations == null || !annotations.isObject()) {
            return new ObjectShape(true, null);
        }
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        annotations.fieldNames().forEachRemaining(keys::add);
        return new ObjectShape(true, keys);
    }

    static JsonNode json(String singleQuoted) throws Exception {
        return Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
    }
}
