package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonParser;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An AdmissionReview decoded while its bytes arrive, in chunks of any size. A byte-level scanner
 * checks that the body is one well-formed JSON object (strict JSON, as Jackson reads it with
 * {@link Json#MAPPER}'s settings) and copies out only the parts the rules need: the envelope, the
 * request's identity fields, and of {@code object}/{@code oldObject} the metadata the rules read
 * (name, namespace, uid, labels, annotations, ownerReferences) and {@code spec.replicas}. Everything
 * else ({@code managedFields} and the rest of the metadata, pod templates, status) is checked and
 * dropped without being tokenized into names or values, so a review of any size keeps a few
 * hundred bytes to a few KiB (more only when its labels or annotations are that large). At the end, the small copy is read by
 * {@link ReviewDecoder}.
 *
 * <p>Not thread-safe; one instance per request. {@link #kept()} says how much is held, so that the
 * transport can budget it.
 */
public final class ReviewStream {

    /** Which parts of a JSON value are kept. */
    private static final class Keep {
        /** Keep the whole value. */
        static final Keep ALL = new Keep(null);

        final Map<String, Keep> fields;
        /** The names of {@link #fields} in UTF-8, to match names without making strings. */
        private final byte[][] names;
        private final Keep[] values;

        private Keep(Map<String, Keep> fields) {
            this.fields = fields;
            List<Map.Entry<String, Keep>> entries = fields == null ? List.of() : List.copyOf(fields.entrySet());
            this.names = fields == null ? null : new byte[entries.size()][];
            this.values = fields == null ? null : new Keep[entries.size()];
            for (int k = 0; k < entries.size(); k++) {
                names[k] = entries.get(k).getKey().getBytes(StandardCharsets.UTF_8);
                values[k] = entries.get(k).getValue();
            }
        }

        /** An object of which only these fields are kept; an array in its place is kept empty. */
        static Keep only(Map<String, Keep> fields) {
            return new Keep(fields);
        }

        boolean whole() {
            return fields == null;
        }

        /** What is kept of the value of {@code field} in this object, or {@code null} to drop it. */
        Keep field(String field) {
            return fields == null ? ALL : fields.get(field);
        }

        /** As {@link #field(String)}, for a name without escapes given as its UTF-8 bytes. */
        Keep field(byte[] name, int length) {
            if (names == null) {
                return ALL;
            }
            for (int k = 0; k < names.length; k++) {
                if (Arrays.equals(names[k], 0, names[k].length, name, 0, length)) {
                    return values[k];
                }
            }
            return null;
        }

        /** What is kept of an element of an array at this place, or {@code null} to drop it. */
        Keep element() {
            return whole() ? ALL : null;
        }
    }

    private static final Keep OBJECT = Keep.only(Map.of(
            "metadata", Keep.only(Map.of("name", Keep.ALL, "namespace", Keep.ALL, "uid", Keep.ALL,
                    "labels", Keep.ALL, "annotations", Keep.ALL, "ownerReferences", Keep.ALL)),
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

    /** Jackson's default limits ({@code StreamReadConstraints}), so that what is accepted does not change. */
    static final int MAX_NUMBER_LENGTH = 1000;
    static final int MAX_NAME_LENGTH = 50_000;

    // Where the scanner is. Every state but STRING and its sub-states skips white space first.
    private static final int START = 0;        // before anything: a UTF-8 byte order mark may come
    private static final int BOM_2 = 1;
    private static final int BOM_3 = 2;
    private static final int VALUE = 3;        // a value must come: the root, after ':', after ',' in an array
    private static final int ARRAY_FIRST = 4;  // after '[': a value or ']'
    private static final int OBJECT_FIRST = 5; // after '{': a name or '}'
    private static final int NAME = 6;         // after ',' in an object: a name
    private static final int COLON = 7;
    private static final int AFTER_VALUE = 8;  // ',' or the closer of the container
    private static final int END = 9;          // after the root object: only white space
    private static final int STRING = 10;      // inside quotes
    private static final int ESCAPE = 11;      // after a backslash
    private static final int UNICODE = 12;     // hex digits of a backslash-u escape to go: pending
    private static final int UTF8 = 13;        // continuation bytes of a UTF-8 sequence to go: pending
    private static final int NUMBER = 14;      // in numberState
    private static final int LITERAL = 15;     // matching literal
    private static final int LITERAL_END = 16; // a literal ended: the next byte must not continue a word

    // Parts of a number, as JSON's grammar has them.
    private static final int N_MINUS = 0;
    private static final int N_ZERO = 1;
    private static final int N_INT = 2;
    private static final int N_DOT = 3;
    private static final int N_FRACTION = 4;
    private static final int N_E = 5;
    private static final int N_E_SIGN = 6;
    private static final int N_EXPONENT = 7;

    // Where string bytes go.
    private static final int TO_NOTHING = 0;
    private static final int TO_KEPT = 1;
    private static final int TO_NAME = 2;

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    /** Bytes that end a run of plain string content: quote, backslash, control characters, non-ASCII. */
    private static final boolean[] SPECIAL_IN_STRING = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            SPECIAL_IN_STRING[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Whether none of eight bytes is a quote, a backslash, a control character or non-ASCII: the
     * classic zero-byte test ({@code (v - 0x01..) & ~v & 0x80..}) on the word XORed with each of
     * the two characters, the same subtraction against 0x20 for control characters, and the high bits.
     */
    private static boolean plain(long w) {
        long quote = w ^ (ONES * '"');
        long backslash = w ^ (ONES * '\\');
        long special = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((w - ONES * 0x20) & ~w) | w;
        return (special & HIGHS) == 0;
    }

    private static final int MAX_DEPTH = Json.MAX_NESTING_DEPTH;
    // The open containers, outermost first; grown as needed up to MAX_DEPTH (reviews nest about 12 deep).
    private boolean[] isArray = new boolean[16];
    private boolean[] copying = new boolean[16];
    private boolean[] copiedAny = new boolean[16];
    /** Of an object: what is kept of its fields; of an array: what is kept of its elements. */
    private Keep[] keeps = new Keep[16];
    private int depth;

    private int state = START;
    private int numberState;
    private int numberLength;
    private int pending;
    private byte[] literal;
    private int literalAt;
    private boolean inName;
    private int stringTarget;
    private int stringLength;
    /** The value that comes after the name just read: copied or not, and what of it is kept. */
    private boolean nextCopied;
    private Keep nextKeep;
    /** A scalar being copied. */
    private boolean scalarCopied;

    private byte[] kept = new byte[2048];  // what a review keeps: about 1.4 KB
    private int keptLength;
    private byte[] name = new byte[64];
    private int nameLength;

    private long received;
    private long lineStart;
    private int lineFeeds;
    private int carriageReturns;
    /** Absolute offset of {@code bytes[0]} of the chunk being scanned (may be negative). */
    private long base;

    public ReviewStream() {
    }

    /** Bytes fed so far. */
    public long received() {
        return received;
    }

    /** The kept copy so far, as the decoder will read it (for tests). */
    String keptCopy() {
        return new String(kept, 0, keptLength, StandardCharsets.UTF_8);
    }

    /** About how many bytes of state this holds: the copy of the kept parts and a name buffer. */
    public long kept() {
        return (long) kept.length + name.length;
    }

    /**
     * Scans the next {@code length} bytes of the body. The array may be reused by the caller once
     * this returns: what is kept of it has been copied.
     */
    public void feed(byte[] bytes, int offset, int length) throws BadReviewException {
        if (length == 0) {
            return;
        }
        base = received - offset;
        received += length;
        scan(bytes, offset, offset + length);
    }

    /** Ends the body and decodes what was kept. */
    public DecodedReview finish() throws BadReviewException {
        if (received == 0) {
            throw new BadReviewException("request body is empty; expected an AdmissionReview");
        }
        if (state != END) {
            if ((state == START || state == VALUE) && depth == 0) {
                throw new BadReviewException("request body is not a JSON object; expected an AdmissionReview");
            }
            throw new BadReviewException("request body is not valid JSON at line " + line() + ", column "
                    + (received - lineStart + 1) + ": the input ends early (truncated?)");
        }
        try (JsonParser tokens = Json.MAPPER.getFactory().createParser(kept, 0, keptLength)) {
            return ReviewDecoder.decodeKept(tokens);
        } catch (IOException e) {
            throw new BadReviewException("request body could not be read as JSON");
        }
    }

    private void scan(byte[] b, int i, int end) throws BadReviewException {
        while (i < end) {
            int c = b[i] & 0xFF;
            switch (state) {
                case STRING -> {
                    i = string(b, i, end);
                    continue;
                }
                case ESCAPE -> escape(c, i);
                case UNICODE -> {
                    if (Character.digit(c, 16) < 0) {
                        throw syntax(i, "a \\u escape needs four hex digits, got '" + (char) c + "'");
                    }
                    keepStringByte(c);
                    if (--pending == 0) {
                        state = STRING;
                    }
                }
                case UTF8 -> {
                    if ((c & 0xC0) != 0x80) {
                        throw syntax(i, "invalid UTF-8 in a string (byte 0x" + Integer.toHexString(c) + ")");
                    }
                    keepStringByte(c);
                    if (--pending == 0) {
                        state = STRING;
                    }
                }
                case NUMBER -> {
                    if (!number(c, i)) {
                        continue;  // the byte after the number: read it in the new state
                    }
                }
                case LITERAL -> literal(b, i, end, c);
                case LITERAL_END -> {
                    if (c >= '0' && c != ']' && c != '}') {
                        throw unexpectedWord(b, i, end, literal.length, literal);
                    }
                    valueDone();
                    continue;
                }
                default -> {
                    if (c == ' ' || c == '\t') {
                        do {
                            i++;
                        } while (i < end && (b[i] == ' ' || b[i] == '\t'));
                        continue;
                    }
                    if (c == '\n' || c == '\r') {
                        // As Jackson counts lines: LFs and CRs apart, the line is the larger count
                        // (so CR LF, LF and CR files all number their lines right).
                        if (c == '\n') {
                            lineFeeds++;
                        } else {
                            carriageReturns++;
                        }
                        lineStart = base + i + 1;
                        i++;
                        continue;
                    }
                    structural(c, i);
                }
            }
            i++;
        }
    }

    /** A byte outside strings and scalars. */
    private void structural(int c, int i) throws BadReviewException {
        switch (state) {
            case START -> {
                if (c == 0xEF) {
                    state = BOM_2;
                } else {
                    state = VALUE;
                    startValue(c, i);
                }
            }
            case BOM_2, BOM_3 -> {
                if (c != (state == BOM_2 ? 0xBB : 0xBF)) {
                    throw unexpected(i, c);
                }
                state = state == BOM_2 ? BOM_3 : VALUE;
            }
            case VALUE -> startValue(c, i);
            case ARRAY_FIRST -> {
                if (c == ']') {
                    close(']');
                } else {
                    startValue(c, i);
                }
            }
            case OBJECT_FIRST, NAME -> {
                if (c == '"') {
                    startName();
                } else if (c == '}' && state == OBJECT_FIRST) {
                    close('}');
                } else {
                    throw unexpected(i, c);
                }
            }
            case COLON -> {
                if (c != ':') {
                    throw unexpected(i, c);
                }
                state = VALUE;
            }
            case AFTER_VALUE -> {
                boolean array = isArray[depth - 1];
                if (c == ',') {
                    state = array ? VALUE : NAME;
                } else if (c == (array ? ']' : '}')) {
                    close(c);
                } else {
                    throw unexpected(i, c);
                }
            }
            case END -> throw new BadReviewException("request body has more data after the AdmissionReview object"
                    + " at line " + line() + ", column " + column(i));
            default -> throw new IllegalStateException("scanner state " + state);
        }
    }

    private void startValue(int c, int i) throws BadReviewException {
        Keep keep;
        boolean copy;
        if (depth == 0) {
            if (c != '{') {
                if (c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
                    throw new BadReviewException("request body is not a JSON object; expected an AdmissionReview");
                }
                throw unexpected(i, c);
            }
            keep = ROOT;
            copy = true;
        } else if (isArray[depth - 1]) {
            keep = copying[depth - 1] ? keeps[depth - 1] : null;
            copy = keep != null;
            if (copy) {
                separate();
            }
        } else {
            keep = nextKeep;
            copy = nextCopied;
        }
        switch (c) {
            case '{', '[' -> {
                if (depth == MAX_DEPTH) {
                    throw new BadReviewException("request body is not acceptable JSON: Document nesting depth ("
                            + (MAX_DEPTH + 1) + ") exceeds the maximum allowed (" + MAX_DEPTH + ")");
                }
                boolean array = c == '[';
                if (depth == isArray.length) {
                    int size = Math.min(MAX_DEPTH, depth * 2);
                    isArray = Arrays.copyOf(isArray, size);
                    copying = Arrays.copyOf(copying, size);
                    copiedAny = Arrays.copyOf(copiedAny, size);
                    keeps = Arrays.copyOf(keeps, size);
                }
                isArray[depth] = array;
                copying[depth] = copy;
                copiedAny[depth] = false;
                keeps[depth] = !copy ? null : array ? keep.element() : keep;
                depth++;
                if (copy) {
                    keepByte(c);
                }
                state = array ? ARRAY_FIRST : OBJECT_FIRST;
            }
            case '"' -> {
                inName = false;
                stringTarget = copy ? TO_KEPT : TO_NOTHING;
                stringLength = 0;
                if (copy) {
                    keepByte('"');
                }
                state = STRING;
            }
            case 't', 'f', 'n' -> {
                literal = c == 't' ? TRUE : c == 'f' ? FALSE : NULL;
                literalAt = 1;
                scalarCopied = copy;
                if (copy) {
                    keepByte(c);
                }
                state = LITERAL;
            }
            default -> {
                if (c != '-' && (c < '0' || c > '9')) {
                    throw unexpected(i, c);
                }
                numberState = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
                numberLength = 1;
                scalarCopied = copy;
                if (copy) {
                    keepByte(c);
                }
                state = NUMBER;
            }
        }
    }

    /** A comma before the next member or element written to the copy, unless it is the first. */
    private void separate() {
        if (copiedAny[depth - 1]) {
            keepByte(',');
        }
        copiedAny[depth - 1] = true;
    }

    private void startName() {
        inName = true;
        stringLength = 0;
        if (!copying[depth - 1]) {
            stringTarget = TO_NOTHING;
        } else if (keeps[depth - 1].whole()) {
            separate();
            keepByte('"');
            stringTarget = TO_KEPT;
        } else {
            nameLength = 0;
            stringTarget = TO_NAME;
        }
        state = STRING;
    }

    /** Scans string content from {@code i}; returns where it stopped. */
    private int string(byte[] b, int i, int end) throws BadReviewException {
        int from = i;
        // Eight bytes at a time while none of them is special (the usual case in names and values).
        while (i + 8 <= end && plain((long) LONGS.get(b, i))) {
            i += 8;
        }
        while (i < end && !SPECIAL_IN_STRING[b[i] & 0xFF]) {
            i++;
        }
        if (i > from) {
            keepStringBytes(b, from, i - from);
        }
        if (i == end) {
            return i;
        }
        int c = b[i] & 0xFF;
        if (c == '"') {
            stringDone(i);
        } else if (c == '\\') {
            keepStringByte(c);
            state = ESCAPE;
        } else if (c < 0x20) {
            throw syntax(i, "a control character (code " + c + ") inside a string; escape it");
        } else {
            // The lead byte of a UTF-8 sequence, as Jackson reads them: 110xxxxx, 1110xxxx, 11110xxx.
            if ((c & 0xE0) == 0xC0) {
                pending = 1;
            } else if ((c & 0xF0) == 0xE0) {
                pending = 2;
            } else if ((c & 0xF8) == 0xF0) {
                pending = 3;
            } else {
                throw syntax(i, "invalid UTF-8 in a string (byte 0x" + Integer.toHexString(c) + ")");
            }
            keepStringByte(c);
            state = UTF8;
        }
        return i + 1;
    }

    private void escape(int c, int i) throws BadReviewException {
        switch (c) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> state = STRING;
            case 'u' -> {
                pending = 4;
                state = UNICODE;
            }
            default -> throw syntax(i, "unknown escape '\\" + printable(c) + "' in a string");
        }
        keepStringByte(c);
    }

    private void stringDone(int i) throws BadReviewException {
        if (!inName) {
            if (stringTarget == TO_KEPT) {
                keepByte('"');
            }
            valueDone();
            return;
        }
        if (stringLength > MAX_NAME_LENGTH) {
            throw new BadReviewException("request body is not acceptable JSON: Name length (" + stringLength
                    + ") exceeds the maximum allowed (" + MAX_NAME_LENGTH + ")");
        }
        switch (stringTarget) {
            case TO_KEPT -> {
                keepByte('"');
                keepByte(':');
                nextCopied = true;
                nextKeep = Keep.ALL;
            }
            case TO_NAME -> {
                Keep keep = keepOfName(keeps[depth - 1]);
                nextCopied = keep != null;
                nextKeep = keep;
                if (keep != null) {
                    separate();
                    keepByte('"');
                    keepBytes(name, 0, nameLength);
                    keepByte('"');
                    keepByte(':');
                }
            }
            default -> {
                nextCopied = false;
                nextKeep = null;
            }
        }
        state = COLON;
    }

    /** Steps a number on byte {@code c}; {@code false} when the number ended before it. */
    private boolean number(int c, int i) throws BadReviewException {
        boolean digit = c >= '0' && c <= '9';
        switch (numberState) {
            case N_MINUS -> {
                if (!digit) {
                    throw unexpected(i, c);
                }
                numberState = c == '0' ? N_ZERO : N_INT;
            }
            case N_ZERO, N_INT, N_FRACTION -> {
                if (digit) {
                    if (numberState == N_ZERO) {
                        throw syntax(i, "a number with a leading zero");
                    }
                } else if (c == '.' && numberState != N_FRACTION) {
                    numberState = N_DOT;
                } else if (c == 'e' || c == 'E') {
                    numberState = N_E;
                } else {
                    numberDone();
                    return false;
                }
            }
            case N_DOT -> {
                if (!digit) {
                    throw syntax(i, "a decimal point not followed by a digit");
                }
                numberState = N_FRACTION;
            }
            case N_E, N_E_SIGN -> {
                if (digit) {
                    numberState = N_EXPONENT;
                } else if ((c == '+' || c == '-') && numberState == N_E) {
                    numberState = N_E_SIGN;
                } else {
                    throw syntax(i, "an exponent not followed by a digit");
                }
            }
            default -> {
                if (!digit) {
                    numberDone();
                    return false;
                }
            }
        }
        numberLength++;
        if (scalarCopied) {
            keepByte(c);
        }
        return true;
    }

    private void numberDone() throws BadReviewException {
        if (numberLength > MAX_NUMBER_LENGTH) {
            throw new BadReviewException("request body is not acceptable JSON: Number value length (" + numberLength
                    + ") exceeds the maximum allowed (" + MAX_NUMBER_LENGTH + ")");
        }
        valueDone();
    }

    private void literal(byte[] b, int i, int end, int c) throws BadReviewException {
        if (c != literal[literalAt]) {
            throw unexpectedWord(b, i, end, literalAt, literal);
        }
        if (scalarCopied) {
            keepByte(c);
        }
        if (++literalAt == literal.length) {
            state = LITERAL_END;
        }
    }

    private void close(int closer) {
        depth--;
        if (copying[depth]) {
            keepByte(closer);
        }
        valueDone();
    }

    private void valueDone() {
        state = depth == 0 ? END : AFTER_VALUE;
    }

    /** What {@code parent} keeps of the field named by the name just read. */
    private Keep keepOfName(Keep parent) {
        for (int k = 0; k < nameLength; k++) {
            if (name[k] == '\\') {
                return parent.field(decodeName());
            }
        }
        return parent.field(name, nameLength);  // a name without escapes: its bytes are its UTF-8
    }

    private String decodeName() {
        int backslash = -1;
        for (int k = 0; k < nameLength; k++) {
            if (name[k] == '\\') {
                backslash = k;
                break;
            }
        }
        if (backslash < 0) {
            return new String(name, 0, nameLength, StandardCharsets.UTF_8);
        }
        // Escapes in a name (rare): undo them; the bytes were checked while scanning.
        StringBuilder decoded = new StringBuilder(nameLength);
        decoded.append(new String(name, 0, backslash, StandardCharsets.UTF_8));
        int k = backslash;
        int plainFrom = -1;
        while (k < nameLength) {
            if (name[k] != '\\') {
                if (plainFrom < 0) {
                    plainFrom = k;
                }
                k++;
                continue;
            }
            if (plainFrom >= 0) {
                decoded.append(new String(name, plainFrom, k - plainFrom, StandardCharsets.UTF_8));
                plainFrom = -1;
            }
            char e = (char) name[k + 1];
            switch (e) {
                case 'b' -> decoded.append('\b');
                case 'f' -> decoded.append('\f');
                case 'n' -> decoded.append('\n');
                case 'r' -> decoded.append('\r');
                case 't' -> decoded.append('\t');
                case 'u' -> {
                    decoded.append((char) Integer.parseInt(new String(name, k + 2, 4, StandardCharsets.US_ASCII), 16));
                    k += 4;
                }
                default -> decoded.append(e);
            }
            k += 2;
        }
        if (plainFrom >= 0) {
            decoded.append(new String(name, plainFrom, nameLength - plainFrom, StandardCharsets.UTF_8));
        }
        return decoded.toString();
    }

    private void keepStringByte(int c) {
        stringLength++;
        if (stringTarget == TO_KEPT) {
            keepByte(c);
        } else if (stringTarget == TO_NAME) {
            if (nameLength == name.length) {
                name = Arrays.copyOf(name, name.length * 2);
            }
            name[nameLength++] = (byte) c;
        }
    }

    private void keepStringBytes(byte[] b, int from, int n) {
        stringLength += n;
        if (stringTarget == TO_KEPT) {
            keepBytes(b, from, n);
        } else if (stringTarget == TO_NAME) {
            if (nameLength + n > name.length) {
                name = Arrays.copyOf(name, Math.max(name.length * 2, nameLength + n));
            }
            System.arraycopy(b, from, name, nameLength, n);
            nameLength += n;
        }
    }

    private void keepByte(int c) {
        if (keptLength == kept.length) {
            kept = Arrays.copyOf(kept, kept.length * 2);
        }
        kept[keptLength++] = (byte) c;
    }

    private void keepBytes(byte[] b, int from, int n) {
        if (keptLength + n > kept.length) {
            kept = Arrays.copyOf(kept, Math.max(kept.length * 2, keptLength + n));
        }
        System.arraycopy(b, from, kept, keptLength, n);
        keptLength += n;
    }

    private int line() {
        return 1 + Math.max(lineFeeds, carriageReturns);
    }

    private long column(int i) {
        return base + i - lineStart + 1;
    }

    private BadReviewException syntax(int i, String what) {
        return new BadReviewException("request body is not valid JSON at line " + line() + ", column " + column(i) + ": " + what);
    }

    private BadReviewException unexpected(int i, int c) {
        return syntax(i, "unexpected character '" + printable(c) + "'");
    }

    /** A word that is not {@code true}, {@code false} or {@code null}: the part read and what follows in this chunk. */
    private BadReviewException unexpectedWord(byte[] b, int i, int end, int matched, byte[] word) {
        StringBuilder text = new StringBuilder().append(new String(word, 0, matched, StandardCharsets.US_ASCII));
        for (int k = i; k < end && text.length() < 40 && Character.isLetterOrDigit(b[k]); k++) {
            text.append((char) b[k]);
        }
        return syntax(i - matched, "unexpected word '" + text
                + "'; expected a string, number, object, array, true, false or null");
    }

    /** A byte as a character for a message; control characters by code. */
    private static String printable(int c) {
        return c < 0x20 || c == 0x7F ? "\\u" + String.format("%04x", c) : String.valueOf((char) c);
    }
}
