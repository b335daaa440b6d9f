package dev.deadlineguard.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Before {@code /readyz} turns ready, the server reviews a realistic AdmissionReview (a blanked
 * deadline with its pod template) over HTTPS against itself for a short while, one connection per
 * selector: the JIT compiles the whole path (TLS, HTTP, the scanner, the rules, the response), so
 * the first seconds of real traffic are not served by the interpreter. It doubles as a self-check
 * that the certificate is served and a review is answered with a patch.
 *
 * <p>These requests carry a header with a per-process random token: they are not counted in the
 * metrics, logged or turned into Events. Nothing outside this process knows the token.
 */
final class WarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    static final String HEADER = "Deadline-Guard-Warm-Up";
    private static final String REVIEW = "warm-up-review.json";

    private final String token;
    private final byte[] review;

    WarmUp() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
        try (InputStream in = WarmUp.class.getResourceAsStream(REVIEW)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + REVIEW);
            }
            this.review = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a request carries this process's warm-up token. */
    boolean isWarmUp(String header) {
        return header != null && header.equals(token);
    }

    /** What the warm-up did. */
    record Outcome(int reviews, long millis, String problem) {
    }

    /**
     * Reviews against the server at {@code host:port} from {@code connections} threads until
     * {@code budget} has passed or {@code maxReviews} are answered. Never throws: a failure ends the
     * warm-up early and is the outcome's problem.
     */
    Outcome run(String host, int port, X509Certificate leaf, int connections, Duration budget, int maxReviews) {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        AtomicInteger claimed = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<String> problem = new AtomicReference<>();
        SSLContext tls;
        try {
            tls = trusting(leaf);
        } catch (GeneralSecurityException | IOException e) {
            return new Outcome(0, 0, "cannot trust the serving certificate: " + e.getMessage());
        }
        Thread[] threads = new Thread[connections];
        for (int t = 0; t < connections; t++) {
            threads[t] = new Thread(() -> {
                try {
                    reviews(tls, host, port, deadline, maxReviews, claimed, answered);
                } catch (IOException | RuntimeException e) {
                    problem.compareAndSet(null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
            }, "warm-up-" + t);
            threads[t].setDaemon(true);
            threads[t].start();
        }
        for (Thread thread : threads) {
            try {
                thread.join(budget.toMillis() + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Outcome(answered.get(), (System.nanoTime() - start) / 1_000_000, problem.get());
    }

    private void reviews(SSLContext tls, String host, int port, long deadline, int maxReviews, AtomicInteger claimed,
                         AtomicInteger answered) throws IOException {
        byte[] head = ("POST /mutate HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                + HEADER + ": " + token + "\r\nContent-Length: " + review.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + review.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(review, 0, request, head.length, review.length);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            while (System.nanoTime() < deadline && claimed.getAndIncrement() < maxReviews) {
                out.write(request);
                out.flush();
                String status = readResponse(in);
                if (!status.startsWith("HTTP/1.1 200")) {
                    throw new IOException("/mutate answered '" + status + "'");
                }
                answered.incrementAndGet();
            }
        }
    }

    /** Reads one response with a Content-Length body; returns its status line. */
    private static String readResponse(InputStream in) throws IOException {
        String status = line(in);
        long length = -1;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(header.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("the answer to a warm-up review had no Content-Length");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) {
            throw new IOException("the answer to a warm-up review was cut short");
        }
        boolean patched = new String(body, StandardCharsets.UTF_8).contains("\"patchType\":\"JSONPatch\"");
        if (status.startsWith("HTTP/1.1 200") && !patched) {
            throw new IOException("/mutate answered the warm-up review without a patch");
        }
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the server closed the warm-up connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
            if (line.length() > 8192) {
                throw new IOException("a header line of the answer is too long");
            }
        }
        return line.toString();
    }

    private static SSLContext trusting(X509Certificate leaf) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("serving", leaf);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    static void log(Outcome outcome) {
        if (outcome.problem() == null) {
            LOG.info("warmed up: {} reviews over HTTPS in {} ms before turning ready", outcome.reviews(), outcome.millis());
        } else {
            LOG.warn("warm-up ended early after {} reviews in {} ms: {}; turning ready anyway",
                    outcome.reviews(), outcome.millis(), outcome.problem());
        }
    }
}
