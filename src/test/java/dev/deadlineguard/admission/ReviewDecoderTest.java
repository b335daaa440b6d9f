package dev.deadlineguard.admission;

import dev.deadlineguard.policy.AdmissionInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReviewDecoderTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|request body is empty; expected an AdmissionReview",
            "{|request body is not valid JSON at line 1, column 2: the input ends early (truncated?)",
            "{'apiVersion':x}|request body is not valid JSON at line 1, column 15: unexpected character 'x'",
            "\u00ff|request body is not valid JSON at line 1, column 1: unexpected character '\u00ff'",
            "[]|request body is not a JSON object; expected an AdmissionReview",
            "{} {}|request body has more data after the AdmissionReview object at line 1, column 4",
            "{}|apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got none",
            "{'apiVersion':'admission.k8s.io/v2','kind':'AdmissionReview'}|apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got 'admission.k8s.io/v2'",
            "{'apiVersion':'admission.k8s.io/v1','kind':'Pod'}|kind must be AdmissionReview, got 'Pod'",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview'}|request is missing: an AdmissionReview sent to a webhook must carry request",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{}}|request.uid is missing or empty",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':''}}|request.uid is missing or empty",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':7}}|request.uid must be a string",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':[]}|request must be a JSON object",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','dryRun':'yes'}}|request.dryRun must be a boolean",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','operation':'UPDATE','resource':{'group':'apps','version':'v1','resource':'replicasets'},'object':{}}}|request.oldObject is required for an UPDATE of replicasets",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','operation':'UPDATE','resource':{'group':'apps','version':'v1','resource':'replicasets'},'oldObject':{},'object':{'metadata':{'annotations':{'scale-down-deadline':5}}}}}|request.object.metadata.annotations[scale-down-deadline] must be a string",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','operation':'UPDATE','resource':{'group':'apps','version':'v1','resource':'replicasets'},'oldObject':{},'object':{'spec':{'replicas':-1}}}}|request.object.spec.replicas must be a non-negative integer",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','operation':'UPDATE','resource':{'group':'apps','version':'v1','resource':'replicasets'},'oldObject':{'metadata':{'ownerReferences':{}}},'object':{}}}|request.oldObject.metadata.ownerReferences must be a JSON array",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','operation':'UPDATE','resource':{'group':'apps','version':'v1','resource':'replicasets'},'oldObject':[],'object':{}}}|request.oldObject must be a JSON object",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','operation':'UPDATE','resource':{'group':'apps','version':'v1','resource':'replicasets'},'oldObject':{'metadata':7},'object':{}}}|request.oldObject.metadata must be a JSON object",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','operation':'UPDATE','resource':{'group':'apps','version':'v1','resource':'replicasets'},'oldObject':{'spec':'x'},'object':{}}}|request.oldObject.spec must be a JSON object",
            "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u','resource':'apps'}}|request.resource must be a JSON object",
    })
    void badReviewsSayWhatIsWrong(String body, String message) {
        byte[] bytes = body.equals("\u00ff") ? new byte[] {(byte) 0xff}
                : body.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ReviewDecoder.decode(bytes))
                .isInstanceOf(BadReviewException.class)
                .hasMessage(message);
    }

    @Test
    void fieldsMayComeInAnyOrderAndUnknownOnesAreSkipped() throws Exception {
        DecodedReview review = ReviewDecoder.decode(("{'request':{'object':{'spec':{'template':{'x':[1,{'y':2}]},'replicas':0},"
                + "'metadata':{'labels':{'rollouts-pod-template-hash':'h'}},'status':{'replicas':3}},"
                + "'oldObject':{'metadata':{'annotations':{'scale-down-deadline':'2024-08-01T15:13:36Z'}},'spec':{'replicas':3}},"
                + "'operation':'UPDATE','extra':{'deep':[[[]]]},'resource':{'resource':'replicasets','group':'apps','version':'v1'},"
                + "'uid':'u9'},'kind':'AdmissionReview','apiVersion':'admission.k8s.io/v1'}")
                .replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        assertThat(review.uid()).isEqualTo("u9");
        assertThat(review.input().inScope()).isTrue();
        assertThat(review.input().object().replicas()).isZero();
        assertThat(review.input().oldObject().replicas()).isEqualTo(3);
        assertThat(review.input().oldObject().annotations()).containsEntry("scale-down-deadline", "2024-08-01T15:13:36Z");
    }

    @Test
    void deepNestingIsRejectedNotAStackOverflow() {
        String deep = "{\"apiVersion\":\"admission.k8s.io/v1\",\"skipped\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> ReviewDecoder.decode(deep.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(BadReviewException.class)
                .hasMessageStartingWith("request body is not acceptable JSON: Document nesting depth (201) exceeds the maximum allowed (200");
        String deepMetadata = "{\"request\":{\"object\":{\"metadata\":" + "{\"a\":".repeat(300) + "1" + "}".repeat(300) + "}}}";
        assertThatThrownBy(() -> ReviewDecoder.decode(deepMetadata.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(BadReviewException.class)
                .hasMessageStartingWith("request body is not acceptable JSON: Document nesting depth (201) exceeds the maximum allowed (200");
    }

    @Test
    void outOfScopeRequestsNeedNoObjects() throws Exception {
        DecodedReview review = ReviewDecoder.decode(("{'apiVersion':'admission.k8s.io/v1beta1','kind':'AdmissionReview','request':"
                + "{'uid':'u1','operation':'UPDATE','subResource':'scale','resource':{'group':'apps','version':'v1','resource':'replicasets'}}}")
                .replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        AdmissionInput input = review.input();
        assertThat(review.apiVersion()).isEqualTo(ReviewDecoder.V1BETA1);
        assertThat(review.uid()).isEqualTo("u1");
        assertThat(input.subResource()).isEqualTo("scale");
        assertThat(input.inScope()).isFalse();
    }

    @Test
    void readsOnlyWhatTheRulesNeed() throws Exception {
        DecodedReview review = ReviewDecoder.decode(("{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':"
                + "{'uid':'u1','operation':'UPDATE','namespace':'shop','name':'rs1','dryRun':true,'userInfo':{'username':'me'},"
                + "'resource':{'group':'apps','version':'v1','resource':'replicasets'},"
                + "'oldObject':{'metadata':{'name':'rs1','labels':{'rollouts-pod-template-hash':'h'}},'spec':{'replicas':2}},"
                + "'object':{'metadata':{'name':'rs1','annotations':{'k':'v'},'ownerReferences':[{'apiVersion':'argoproj.io/v1alpha1','kind':'Rollout','name':'checkout','uid':'r1','controller':true}]},"
                + "'spec':{'template':{'spec':{'containers':[{'name':'c'}]}}}}}}")
                .replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        AdmissionInput input = review.input();
        assertThat(input.inScope()).isTrue();
        assertThat(input.dryRun()).isTrue();
        assertThat(input.username()).isEqualTo("me");
        assertThat(input.displayName()).isEqualTo("shop/rs1");
        assertThat(input.oldObject().managedByArgoRollouts()).isTrue();
        assertThat(input.oldObject().controlledByRollout()).isFalse();
        assertThat(input.oldObject().replicas()).isEqualTo(2);
        assertThat(input.object().controlledByRollout()).isTrue();
        assertThat(input.object().annotations()).containsExactly(java.util.Map.entry("k", "v"));
        assertThat(input.object().controller())
                .isEqualTo(new dev.deadlineguard.core.ControllerRef("argoproj.io/v1alpha1", "Rollout", "checkout", "r1"));
        assertThat(input.object().replicas()).as("the apiserver's default").isEqualTo(1);
        assertThat(review.objectShape()).isEqualTo(new ObjectShape(true, java.util.Set.of("k")));
    }
}
