package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * The decoder {@link ReviewStream} replaced, kept as the oracle of {@code ReviewStreamDifferentialTest}:
 * Jackson's non-blocking parser tokenizes every byte and a {@code TokenBuffer} keeps the tokens the
 * rules need.
 *
 * <p>An AdmissionReview decoded while its bytes arrive, in chunks of any size: a non-blocking parser
 * tokenizes each chunk as it comes, and only the tokens the rules need are kept (the envelope, the
 * request's identity fields, and of {@code object}/{@code oldObject} the metadata without
 * {@code managedFields} and {@code spec.replicas}). Everything else (pod templates, status,
 * {@code managedFields}) is checked for well-formedness and dropped, so a review of any size keeps a
 * few hundred bytes to a few KiB, whatever the caller does with the chunks afterwards.
 *
 * <p>Not thread-safe; one instance per request. {@link #kept()} says how much is held, so that the
 * transport can budget it.
 */
final class TokenizingReviewStream {

    /** Which parts of a JSON value are kept. */
    private static class Keep {
        /** Keep the whole value. */
        static final Keep ALL = new Keep(null, null);

        final Map<String, Keep> fields;
        final String dropped;

        private Keep(Map<String, Keep> fields, String dropped) {
            this.fields = fields;
            this.dropped = dropped;
        }

        /** An object of which only these fields are kept; arrays in its place keep no elements. */
        static Keep only(Map<String, Keep> fields) {
            return new Keep(fields, null);
        }

        /** An object kept whole except one field. */
        static Keep allBut(String field) {
            return new Keep(null, field);
        }

        /** What is kept of the value of {@code field} in this object, or {@code null} to drop it. */
        Keep field(String field) {
            if (fields != null) {
                return fields.get(field);
            }
            return field.equals(dropped) ? null : ALL;
        }

        /** What is kept of an element of an array at this place, or {@code null} to drop it. */
        Keep element() {
            return fields == null && dropped == null ? ALL : null;
        }
    }

    private static final Keep OBJECT = Keep.only(Map.of(
            "metadata", Keep.allBut("managedFields"),
            "spec", Keep.only(Map.of("replicas", Keep.ALL))));
    private static final Keep ROOT = Keep.only(Map.of(
            "apiVersion", Keep.ALL,
            "kind", Keep.ALL,
            "request", Keep.only(Map.ofEntries(
                    Map.entry("uid", Keep.ALL),
                    Map.entry("resource", Keep.only(Map.of(
                            "group", Keep.ALL, "version", Keep.ALL, "resource", Keep.ALL))),
                    Map.entry("subResource", Keep.ALL),
                    Map.entry("operation", Keep.ALL),
                    Map.entry("namespace", Keep.ALL),
                    Map.entry("name", Keep.ALL),
                    Map.entry("userInfo", Keep.only(Map.of("username", Keep.ALL))),
                    Map.entry("dryRun", Keep.ALL),
                    Map.entry("object", OBJECT),
                    Map.entry("oldObject", OBJECT)))));

    /** Rough bookkeeping cost of one kept token, beyond its text. */
    private static final int TOKEN_COST = 16;

    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final TokenBuffer kept;
    private final ArrayDeque<Keep> open = new ArrayDeque<>();
    private Keep next = ROOT;
    private int skipDepth;
    private boolean rootDone;
    private long received;
    private long keptBytes;

    TokenizingReviewStream() {
        try {
            this.parser = Json.MAPPER.getFactory().createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("Jackson cannot create a non-blocking parser", e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        this.kept = new TokenBuffer(Json.MAPPER, false);
    }

    /** Bytes fed so far. */
    public long received() {
        return received;
    }

    /** About how many bytes of state the kept tokens hold. */
    public long kept() {
        return keptBytes;
    }

    /**
     * Tokenizes the next {@code length} bytes of the body. The array may be reused by the caller
     * once this returns: every complete token has been consumed, and a partial one is copied.
     */
    public void feed(byte[] bytes, int offset, int length) throws BadReviewException {
        if (length == 0) {
            return;
        }
        received += length;
        try {
            feeder.feedInput(bytes, offset, offset + length);
            drain();
        } catch (IOException e) {
            throw rejection(e);
        }
    }

    /** Ends the body and decodes what was kept. */
    public DecodedReview finish() throws BadReviewException {
        if (received == 0) {
            throw new BadReviewException("request body is empty; expected an AdmissionReview");
        }
        try {
            feeder.endOfInput();
            drain();
            parser.close();
        } catch (IOException e) {
            throw rejection(e);
        }
        if (!rootDone) {
            throw new BadReviewException("request body is not a JSON object; expected an AdmissionReview");
        }
        try (JsonParser tokens = kept.asParser(Json.MAPPER)) {
            return ReviewDecoder.decodeKept(tokens);
        } catch (IOException e) {
            throw new BadReviewException("request body could not be read as JSON");
        }
    }

    private void drain() throws IOException, BadReviewException {
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.NOT_AVAILABLE && t != null) {
            if (rootDone) {
                throw new BadReviewException("request body has more data after the AdmissionReview object"
                        + location(parser.currentTokenLocation()));
            }
            if (skipDepth > 0) {
                if (t.isStructStart()) {
                    skipDepth++;
                } else if (t.isStructEnd()) {
                    skipDepth--;
                }
                continue;
            }
            switch (t) {
                case FIELD_NAME -> {
                    next = open.isEmpty() ? null : open.peek().field(parser.currentName());
                    if (next != null) {
                        copy(parser.currentName().length());
                    }
                }
                case START_OBJECT, START_ARRAY -> {
                    Keep keep = value();
                    if (open.isEmpty() && t != JsonToken.START_OBJECT) {
                        throw new BadReviewException("request body is not a JSON object; expected an AdmissionReview");
                    }
                    if (keep == null) {
                        skipDepth = 1;
                    } else {
                        open.push(t == JsonToken.START_ARRAY ? arrayOf(keep) : keep);
                        copy(0);
                    }
                }
                case END_OBJECT, END_ARRAY -> {
                    open.pop();
                    copy(0);
                    rootDone = open.isEmpty();
                }
                default -> {
                    Keep keep = value();
                    if (open.isEmpty()) {
                        throw new BadReviewException("request body is not a JSON object; expected an AdmissionReview");
                    }
                    if (keep != null) {
                        copy(t == JsonToken.VALUE_STRING ? parser.getTextLength() : 0);
                    }
                }
            }
        }
    }

    /** What is kept of the value that starts now: the field's, or an array element's. */
    private Keep value() {
        if (open.isEmpty()) {
            return ROOT;
        }
        Keep container = open.peek();
        if (container instanceof ArrayKeep array) {
            return array.element;
        }
        Keep keep = next;
        next = null;
        return keep;
    }

    /** An array in a kept place: its elements are kept as the place says. */
    private static final class ArrayKeep extends Keep {
        final Keep element;

        ArrayKeep(Keep element) {
            super(Map.of(), null);
            this.element = element;
        }
    }

    private static Keep arrayOf(Keep place) {
        return new ArrayKeep(place.element());
    }

    private void copy(int textLength) throws IOException {
        kept.copyCurrentEvent(parser);
        keptBytes += TOKEN_COST + 2L * textLength;
    }

    private static BadReviewException rejection(IOException e) {
        if (e instanceof StreamConstraintsException c) {
            return new BadReviewException("request body is not acceptable JSON: " + firstLine(c.getOriginalMessage()));
        }
        if (e instanceof JsonProcessingException p) {
            return new BadReviewException("request body is not valid JSON " + JsonSyntax.describe(p));
        }
        return new BadReviewException("request body could not be read as JSON");
    }

    static String location(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return Messages.clip(nl < 0 ? message : message.substring(0, nl), 160);
    }
}
