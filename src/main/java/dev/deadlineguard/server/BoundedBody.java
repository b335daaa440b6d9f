package dev.deadlineguard.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body into memory, but never more than a limit, whatever the client declares. */
final class BoundedBody {

    private BoundedBody() {
    }

    /** The body, or {@code null} when it is longer than {@code limit} bytes (reading stops there). */
    static byte[] read(InputStream in, long declaredLength, long limit) throws IOException {
        if (declaredLength >= 0 && declaredLength <= limit) {
            // Content-Length known and within the limit: read exactly that, in as few calls as the data allows.
            byte[] body = in.readNBytes((int) declaredLength);
            if (body.length < declaredLength) {
                throw new java.io.EOFException("request body ended after " + body.length + " of " + declaredLength + " bytes");
            }
            return body;
        }
        int initial = (int) Math.min(Math.max(declaredLength, 8 * 1024), limit + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(initial);
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > limit) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
