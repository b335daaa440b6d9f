package dev.deadlineguard.admission;

import dev.deadlineguard.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReviewStream}'s byte scanner against the decoder it replaced ({@link TokenizingReviewStream},
 * Jackson's non-blocking parser over every token): over the samples and tens of thousands of corrupted
 * variants of them, fed in chunks of random sizes, both accept the same bodies and decode them to the
 * same review, and both reject the same bodies, syntax errors on the same line. (The column may
 * differ: Jackson points after a bad word such as {@code NaN}, the scanner at its first byte;
 * {@code ReviewDecoderTest} pins the columns of the common cases.)
 */
class ReviewStreamDifferentialTest {

    private static final byte[][] FRAGMENTS = Stream.of(
            "{", "}", "[", "]", "\"", "\\", ",", ":", "0", "01", "-", "-0", "1.", "1.5", "1e", "1e+", "1E-7", ".5", "+1",
            "true", "tru", "truex", "false", "nul", "null", "nulll", "NaN", "\"x\":1,", "\"managedFields\":[],",
            "\"metadata\":{},", "\"spec\":{\"replicas\":-3},", "\"replicas\":2,", "\"\\u00e9\"", "\"\\ud83d\\ude00\"",
            "\"\\q\"", "\"\\u12G4\"", "\\u0061", "\"m\\u0065tadata\":{\"name\":\"n\"},", " ", "\n", "\r\n", "\t", "/* */", "#",
            "\u00e9", "\u20ac", "\ud83d\ude00").map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    private static final int[] ODD_BYTES = {0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF5, 0xF8, 0xFF, 0xEF};

    @Test
    void theSamplesDecodeAsBefore() throws Exception {
        for (byte[] body : samples()) {
            Outcome before = tokenizing(body);
            assertThat(before.error).as("a sample is a valid review").isNull();
            assertThat(scanning(body, new Random(1))).isEqualTo(before);
        }
    }

    @Test
    void corruptedBodiesAreAcceptedAndRejectedAsBefore() throws Exception {
        Random random = new Random(20261202);
        List<byte[]> samples = samples();
        int accepted = 0;
        int rejected = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] body = mutate(samples.get(random.nextInt(samples.size())), random);
            Outcome before = tokenizing(body);
            // Half the bodies in one chunk, through ReviewDecoder.decode as review and audit read them.
            Outcome now = random.nextBoolean() ? scanning(body, random) : whole(body);
            if (!now.equals(before) && full(body, true).contains(": invalid UTF-8") && blockingParserRejectsUtf8(body)) {
                continue;  // Jackson let it through; see blockingParserRejectsUtf8
            }
            if (now.error != null && before.error != null && notAnObject(body)) {
                // Both reject a body that is not an object; the scanner says so at its first byte,
                // Jackson may first find the scalar there malformed.
                rejected++;
                continue;
            }
            if (!now.equals(before)) {
                assertThat(now).as("%s / %s; body %s", full(body, false), full(body, true),
                        new String(body, StandardCharsets.UTF_8)).isEqualTo(before);
            }
            if (before.error == null) {
                accepted++;
            } else {
                rejected++;
            }
        }
        assertThat(accepted).as("mutations that stay valid JSON").isGreaterThan(2_000);
        assertThat(rejected).as("mutations that break the JSON").isGreaterThan(2_000);
    }

    /**
     * Values of every kind and their edge cases (fractions, exponents, line breaks, escapes, UTF-8,
     * nesting, names and numbers at and over their limits) in a dropped part, the pod template of a
     * compact review, fed whole and in small chunks: each is accepted or rejected as before, with the
     * same message.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1.5", "-2e3", "0", "-0", "12", "01", "-", "1.", "true", "nul", "falsey", "[]", "{}",
            "[1,2,[3,{}]]", "[1,]", "{\"a\":1,}", "{\"a\" :\t1 }", "[\n1]", "[\r1]", "\"\\u00e9\\n\\\"\"",
            "\"\\u12G4\"", "\"\\q\"", "\"\u00e9\u20ac\ud83d\ude00\"", "\"\u0001\"", "{\"k\":\"v\"}x",
            "DEEP", "LONG_NAME", "LONG_NUMBER", "LONG_NAME_OK"})
    void droppedValuesAreJudgedAsBefore(String value) throws Exception {
        String v = switch (value) {
            case "DEEP" -> "[".repeat(70) + "]".repeat(70);
            case "LONG_NAME" -> "{\"" + "n".repeat(ReviewStream.MAX_NAME_LENGTH + 1) + "\":1}";
            case "LONG_NAME_OK" -> "{\"" + "n".repeat(ReviewStream.MAX_NAME_LENGTH) + "\":1}";
            case "LONG_NUMBER" -> "[" + "9".repeat(ReviewStream.MAX_NUMBER_LENGTH + 1) + "]";
            default -> value;
        };
        String compact = new String(Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(Samples.bytes("04-blanked"))),
                StandardCharsets.UTF_8);
        String marker = "\"template\":{";
        assertThat(compact).contains(marker);
        byte[] body = compact.replace(marker, marker + "\"extra\":" + v + ",").getBytes(StandardCharsets.UTF_8);
        assertThat(whole(body)).as(value).isEqualTo(tokenizing(body));
        assertThat(scanning(body, new Random(3))).as(value).isEqualTo(tokenizing(body));
    }

    @Test
    void aByteOrderMarkIsSkippedAsJacksonDoes() throws Exception {
        byte[] sample = Samples.bytes("04-blanked");
        byte[] withBom = new byte[sample.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(sample, 0, withBom, 3, sample.length);
        assertThat(scanning(withBom, new Random(2))).isEqualTo(tokenizing(withBom));
        assertThat(tokenizing(withBom).error).isNull();
    }

    /** What a decoder made of a body: the review, or its error in the parts both decoders word alike. */
    record Outcome(String error, Object input, Object objectShape, String uid, String apiVersion) {
        static Outcome of(DecodedReview review) {
            return new Outcome(null, review.input(), review.objectShape(), review.uid(), review.apiVersion());
        }

        static Outcome of(BadReviewException e) {
            return new Outcome(comparable(e.getMessage()), null, null, null, null);
        }
    }

    /**
     * Syntax errors are compared by kind and line ("not valid JSON at line 34"); their wording beyond
     * that differs (the scanner says what was wrong in its own words). Every other message is
     * compared whole.
     */
    private static String comparable(String message) {
        // Data after the root object is a syntax error of its own kind for the scanner; Jackson
        // says so for a value there, and calls a stray ']' or '}' an unexpected close marker.
        message = message.replace("request body has more data after the AdmissionReview object ",
                "request body is not valid JSON ");
        String syntax = "request body is not valid JSON ";
        if (message.startsWith(syntax)) {
            int comma = message.indexOf(", column ", syntax.length());
            return comma < 0 ? message : message.substring(0, comma);
        }
        String acceptable = "request body is not acceptable JSON: ";
        if (message.startsWith(acceptable)) {
            int paren = message.indexOf(" (");
            return paren < 0 ? message : message.substring(0, paren);
        }
        return message;
    }

    /**
     * Jackson lets some invalid UTF-8 through in a field name once its factory's shared name table
     * holds many names (seen with a 0xFF byte in a repeated {@code securityContext}, in
     * {@link Json#MAPPER} after thousands of documents); a fresh parser, and the scanner, reject
     * the body. The scanner is right.
     */
    private static boolean blockingParserRejectsUtf8(byte[] body) {
        try (com.fasterxml.jackson.core.JsonParser parser = new com.fasterxml.jackson.core.JsonFactory().createParser(body)) {
            while (parser.nextToken() != null) {
                // only well-formedness matters
            }
            return false;
        } catch (java.io.IOException e) {
            return e.getMessage().startsWith("Invalid UTF-8");
        }
    }

    private static boolean notAnObject(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1).replace("\u00ef\u00bb\u00bf", "").strip();
        return !text.startsWith("{");
    }

    /** The whole error message of one decoder, for a failure's description. */
    private static String full(byte[] body, boolean scanner) {
        try {
            if (scanner) {
                ReviewDecoder.decode(body);
            } else {
                TokenizingReviewStream stream = new TokenizingReviewStream();
                stream.feed(body, 0, body.length);
                stream.finish();
            }
            return "accepted";
        } catch (BadReviewException e) {
            return e.getMessage();
        }
    }

    private static Outcome tokenizing(byte[] body) {
        try {
            TokenizingReviewStream stream = new TokenizingReviewStream();
            stream.feed(body, 0, body.length);
            return Outcome.of(stream.finish());
        } catch (BadReviewException e) {
            return Outcome.of(e);
        }
    }

    /** Fed in one chunk, through {@link ReviewDecoder#decode} (review, audit). */
    private static Outcome whole(byte[] body) {
        try {
            return Outcome.of(ReviewDecoder.decode(body));
        } catch (BadReviewException e) {
            return Outcome.of(e);
        }
    }

    /** Fed in chunks of 1 to 64 bytes, each from a reused array, as the transport does. */
    private static Outcome scanning(byte[] body, Random random) {
        try {
            ReviewStream stream = new ReviewStream();
            byte[] chunk = new byte[64];
            for (int at = 0; at < body.length; ) {
                int n = Math.min(1 + random.nextInt(64), body.length - at);
                System.arraycopy(body, at, chunk, 0, n);
                stream.feed(chunk, 0, n);
                java.util.Arrays.fill(chunk, (byte) '?');
                at += n;
            }
            return Outcome.of(stream.finish());
        } catch (BadReviewException e) {
            return Outcome.of(e);
        }
    }

    private static byte[] mutate(byte[] sample, Random random) {
        byte[] body = sample;
        for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
            int at = random.nextInt(body.length + 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
            switch (random.nextInt(5)) {
                case 0 -> {  // replace a byte with a structural or odd one
                    byte[] fragment = FRAGMENTS[random.nextInt(FRAGMENTS.length)];
                    byte b = random.nextBoolean() ? fragment[0] : (byte) ODD_BYTES[random.nextInt(ODD_BYTES.length)];
                    out.write(body, 0, Math.min(at, body.length - 1));
                    out.write(b);
                    if (at + 1 < body.length) {
                        out.write(body, at + 1, body.length - at - 1);
                    }
                }
                case 1 -> {  // cut a range out
                    int len = Math.min(1 + random.nextInt(8), body.length - Math.min(at, body.length));
                    out.write(body, 0, at);
                    out.write(body, at + len, body.length - at - len);
                }
                case 2 -> {  // truncate
                    out.write(body, 0, at);
                }
                default -> {  // insert a fragment
                    out.write(body, 0, at);
                    out.writeBytes(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                    out.write(body, at, body.length - at);
                }
            }
            body = out.toByteArray();
        }
        return body;
    }

    private static List<byte[]> samples() throws Exception {
        List<byte[]> samples = new ArrayList<>();
        try (Stream<Path> files = Files.list(Samples.DIR)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("[0-9].*\\.json")).sorted().toList()) {
                byte[] pretty = Files.readAllBytes(file);
                samples.add(pretty);
                samples.add(Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(pretty)));  // compact, as the apiserver sends
            }
        }
        return samples;
    }
}
