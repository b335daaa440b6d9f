package dev.deadlineguard.admission;

import dev.deadlineguard.testing.LargeReviews;
import dev.deadlineguard.testing.Samples;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReviewStreamTest {

    @Test
    void chunksOfAnySizeDecodeAsTheWholeBody() throws Exception {
        byte[] body = Samples.bytes("04-blanked");
        DecodedReview whole = ReviewDecoder.decode(body);
        for (int size : new int[] {1, 7, 4096}) {
            ReviewStream stream = new ReviewStream();
            byte[] chunk = new byte[size];
            for (int at = 0; at < body.length; at += size) {
                int n = Math.min(size, body.length - at);
                System.arraycopy(body, at, chunk, 0, n);
                stream.feed(chunk, 0, n);  // the same array each time: the stream must not keep it
                java.util.Arrays.fill(chunk, (byte) 'x');
            }
            DecodedReview review = stream.finish();
            assertThat(review.input()).as("chunks of %d bytes", size).isEqualTo(whole.input());
            assertThat(review.objectShape()).isEqualTo(whole.objectShape());
            assertThat(review.uid()).isEqualTo(whole.uid());
        }
    }

    @Test
    void keepsTheMetadataWithoutManagedFieldsAndNoneOfThePodTemplate() throws Exception {
        byte[] large = LargeReviews.twoReplicaSetsOf1400KiB();
        ReviewStream stream = new ReviewStream();
        stream.feed(large, 0, large.length);
        assertThat(stream.received()).isEqualTo(large.length);
        assertThat(stream.kept()).as("state kept of a 2.9 MB review").isLessThan(16 * 1024);
        DecodedReview review = stream.finish();
        assertThat(review.objectShape().annotationKeys()).contains("scale-down-deadline");
        assertThat(review.input().oldObject().annotations()).containsEntry("scale-down-deadline", "2024-08-01T15:13:36Z");
        com.fasterxml.jackson.databind.JsonNode kept = Json.MAPPER.readTree(stream.keptCopy());
        for (String object : new String[] {"object", "oldObject"}) {
            java.util.List<String> fields = new java.util.ArrayList<>();
            kept.at("/request/" + object + "/metadata").fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as("%s.metadata kept: only what the rules read", object)
                    .containsExactlyInAnyOrder("name", "namespace", "uid", "labels", "annotations", "ownerReferences");
            java.util.List<String> top = new java.util.ArrayList<>();
            kept.at("/request/" + object).fieldNames().forEachRemaining(top::add);
            assertThat(top).as("%s kept", object).containsExactly("metadata", "spec");
            assertThat(kept.at("/request/" + object + "/spec")).isEqualTo(Json.MAPPER.readTree("{\"replicas\":3}"));
        }
    }

    @Test
    void aBodyCutShortIsNotValidJson() throws Exception {
        byte[] body = Samples.bytes("04-blanked");
        ReviewStream stream = new ReviewStream();
        stream.feed(body, 0, body.length / 2);
        assertThatThrownBy(stream::finish)
                .isInstanceOf(BadReviewException.class)
                .hasMessageStartingWith("request body is not valid JSON at line ")
                .hasMessageEndingWith(": the input ends early (truncated?)");
    }
}
