package dev.deadlineguard.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop HTTPS load generator for {@code bench/load.sh}, not a test.
 *
 * <p>Requests go out on a fixed schedule: request {@code i} is due at {@code start + i / rate}. They are
 * spread round-robin over {@code --connections} keep-alive connections, each driven by its own thread
 * with a raw {@link SSLSocket} and HTTP/1.1 framing ({@code Content-Length} or chunked responses).
 * Latency is measured from the <em>intended</em> send time, not from the moment the request was
 * written, so a stalled server shows up in the percentiles instead of silently slowing the schedule
 * down (no coordinated omission). A request whose connection is still busy is sent late and its
 * lateness counts.
 *
 * <p>{@code --side-req} requests (for example 8 MiB bodies the server rejects with 413 and closes the
 * connection on) run on their own schedule ({@code --side-rate}), each on a fresh connection, with the
 * body written by a helper thread while the response is read, since the server answers before it has
 * read the body.
 *
 * <pre>
 * LoadGenerator --port 8443 --ca .deadline-guard/localhost/ca.crt --rate 1000 --connections 16 --duration 30 [--warmup 5]
 *     --req method=POST,path=/mutate,type=application/json,body=samples/04-blanked.json,expect=200[,weight=1][,chunked=true]
 *     [--req ...] [--side-rate 1 --side-req ...] [--progress 10] [--host 127.0.0.1] [--timeout 10]
 * </pre>
 *
 * Prints a summary and a last line {@code RESULT key=value ...} for the script. Exits 0 unless the
 * arguments are wrong or it cannot connect at all; judging the figures is the script's job.
 */
public final class LoadGenerator {

    record Spec(String method, String path, String contentType, byte[] body, int expect, int weight,
                boolean chunked, byte[] head) {
        String label() {
            return method + " " + path + (contentType == null ? "" : " " + contentType)
                    + (body == null ? "" : " " + body.length + "B") + (chunked ? " chunked" : "") + " -> " + expect;
        }
    }

    /** Counters shared by all threads (cheap at these rates) so progress lines can be printed live. */
    static final class Counters {
        final AtomicLongArray status = new AtomicLongArray(600);
        final AtomicLong completed = new AtomicLong();
        final AtomicLong unexpected = new AtomicLong();
        final AtomicLong socketErrors = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final AtomicLong lateSends = new AtomicLong();        // written more than 1 ms after due
        final AtomicLong maxLagNanos = new AtomicLong();
        final AtomicLong connects = new AtomicLong();
        final AtomicLong bytesIn = new AtomicLong();
        volatile String lastError = "";

        void lag(long nanos) {
            if (nanos > 1_000_000) {
                lateSends.incrementAndGet();
            }
            maxLagNanos.accumulateAndGet(nanos, Math::max);
        }

        long fiveXx() {
            long n = 0;
            for (int s = 500; s < 600; s++) {
                n += status.get(s);
            }
            return n;
        }

        String statuses() {
            StringBuilder sb = new StringBuilder();
            for (int s = 0; s < 600; s++) {
                long n = status.get(s);
                if (n > 0) {
                    sb.append(sb.length() == 0 ? "" : ",").append(s).append(':').append(n);
                }
            }
            return sb.length() == 0 ? "-" : sb.toString();
        }
    }

    private final String host;
    private final int port;
    private final SSLSocketFactory factory;
    private final int timeoutMillis;

    private LoadGenerator(String host, int port, SSLSocketFactory factory, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.factory = factory;
        this.timeoutMillis = timeoutMillis;
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8443;
        String ca = ".deadline-guard/localhost/ca.crt";  // where serve puts its try-out CA
        double rate = 1000;
        int connections = 16;
        double duration = 30;
        double warmup = 0;
        double sideRate = 0;
        double progress = 0;
        int timeout = 10;
        List<Spec> specs = new ArrayList<>();
        List<Spec> sideSpecs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                usage("missing value for " + a);
            }
            i++;
            switch (a) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--ca" -> ca = v;
                case "--rate" -> rate = Double.parseDouble(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--duration" -> duration = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--side-rate" -> sideRate = Double.parseDouble(v);
                case "--progress" -> progress = Double.parseDouble(v);
                case "--timeout" -> timeout = Integer.parseInt(v);
                case "--req" -> specs.add(parseSpec(v, host, port));
                case "--side-req" -> sideSpecs.add(parseSpec(v, host, port));
                default -> usage("unknown option " + a);
            }
        }
        if (specs.isEmpty() || rate <= 0 || connections <= 0 || duration <= 0) {
            usage("need --req, and a positive --rate, --connections and --duration");
        }
        if (!host.startsWith("127.") && !host.equals("localhost") && !host.equals("::1")) {
            usage("load goes to the loopback address only, not " + host);
        }
        LoadGenerator gen = new LoadGenerator(host, port, sslFactory(Path.of(ca)), timeout * 1000);
        gen.run(specs, rate, connections, duration, warmup, sideSpecs, sideRate, progress);
    }

    private static void usage(String why) {
        System.err.println("LoadGenerator: " + why);
        System.err.println("usage: LoadGenerator --port P --ca CA.crt --rate R --connections C --duration S [--warmup S]"
                + " --req method=POST,path=/mutate,type=application/json,body=FILE,expect=200[,weight=N][,chunked=true] ..."
                + " [--side-rate R --side-req SPEC ...] [--progress S] [--timeout S]");
        System.exit(2);
    }

    static Spec parseSpec(String text, String host, int port) throws IOException {
        String method = "POST";
        String path = "/mutate";
        String type = null;
        byte[] body = null;
        int expect = 200;
        int weight = 1;
        boolean chunked = false;
        for (String kv : text.split(",")) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("not key=value: " + kv + " in " + text);
            }
            String k = kv.substring(0, eq);
            String v = kv.substring(eq + 1);
            switch (k) {
                case "method" -> method = v;
                case "path" -> path = v;
                case "type" -> type = v.equals("-") ? null : v;
                case "body" -> body = v.equals("-") ? null : Files.readAllBytes(Path.of(v));
                case "expect" -> expect = Integer.parseInt(v);
                case "weight" -> weight = Integer.parseInt(v);
                case "chunked" -> chunked = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown key " + k + " in " + text);
            }
        }
        StringBuilder h = new StringBuilder();
        h.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        h.append("Host: ").append(host).append(':').append(port).append("\r\n");
        h.append("User-Agent: deadline-guard-loadgen\r\n");
        h.append("Accept: application/json\r\n");
        if (type != null) {
            h.append("Content-Type: ").append(type).append("\r\n");
        }
        if (body != null && chunked) {
            h.append("Transfer-Encoding: chunked\r\n");
        } else if (body != null) {
            h.append("Content-Length: ").append(body.length).append("\r\n");
        }
        h.append("\r\n");
        byte[] headBytes = h.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] head = headBytes;
        if (body != null && !chunked && body.length <= 1 << 20) {   // small bodies: one write, one TLS flight
            head = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, head, 0, headBytes.length);
            System.arraycopy(body, 0, head, headBytes.length, body.length);
        }
        return new Spec(method, path, type, body, expect, weight, chunked, head);
    }

    static SSLSocketFactory sslFactory(Path caFile) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int n = 0;
        try (InputStream in = Files.newInputStream(caFile)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + n++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    // ------------------------------------------------------------------------------------------------

    private void run(List<Spec> specs, double rate, int connections, double durationS, double warmupS,
                     List<Spec> sideSpecs, double sideRate, double progressS) throws Exception {
        Spec[] cycle = weightedCycle(specs);
        Counters counters = new Counters();
        // Establish one connection first so a wrong port or CA fails fast and clearly.
        open(null).close();
        long warmupNanos = (long) (warmupS * 1e9);
        long durationNanos = (long) (durationS * 1e9);
        long start = System.nanoTime() + 50_000_000L;    // let every thread get to its first sleep
        long measureFrom = start + warmupNanos;
        long end = measureFrom + durationNanos;

        System.out.printf(Locale.ROOT, "load: %.0f req/s over %d keep-alive connections for %.0f s (+%.0f s warm-up) to https://%s:%d%n",
                rate, connections, durationS, warmupS, host, port);
        for (Spec s : specs) {
            System.out.printf("  weight %d: %s%n", s.weight(), s.label());
        }
        if (!sideSpecs.isEmpty() && sideRate > 0) {
            System.out.printf(Locale.ROOT, "  side: %.2f req/s, each on a fresh connection:%n", sideRate);
            for (Spec s : sideSpecs) {
                System.out.printf("    %s%n", s.label());
            }
        }

        LatencyHistogram[] hists = new LatencyHistogram[connections];
        Thread[] threads = new Thread[connections];
        for (int c = 0; c < connections; c++) {
            LatencyHistogram h = new LatencyHistogram();
            hists[c] = h;
            final int lane = c;
            threads[c] = new Thread(() -> sender(lane, connections, cycle, rate, start, measureFrom, end, h, counters),
                    "sender-" + c);
            threads[c].setDaemon(true);
            threads[c].start();
        }
        Counters sideCounters = new Counters();
        Thread side = null;
        ExecutorService writers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "side-writer");
            t.setDaemon(true);
            return t;
        });
        if (!sideSpecs.isEmpty() && sideRate > 0) {
            side = new Thread(() -> sideSender(sideSpecs, sideRate, start, end, sideCounters, writers), "side");
            side.setDaemon(true);
            side.start();
        }
        if (progressS > 0) {
            Thread p = new Thread(() -> progress(progressS, start, measureFrom, end, counters, sideCounters), "progress");
            p.setDaemon(true);
            p.start();
        }
        long joinDeadline = end + (timeoutMillis + 5_000L) * 1_000_000L;
        for (Thread t : threads) {
            t.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
        }
        if (side != null) {
            side.join(Math.max(1, (joinDeadline + 10_000_000_000L - System.nanoTime()) / 1_000_000));
        }
        writers.shutdownNow();
        long stillRunning = 0;
        for (Thread t : threads) {
            stillRunning += t.isAlive() ? 1 : 0;
        }
        long elapsed = Math.min(System.nanoTime(), end) - measureFrom;
        LatencyHistogram all = new LatencyHistogram();
        for (int c = 0; c < connections; c++) {
            if (!threads[c].isAlive()) {
                all.add(hists[c]);
            }
        }
        report(rate, durationNanos, elapsed, all, counters, sideCounters, stillRunning);
        System.exit(0);
    }

    /** Spreads the specs by weight so that each kind is evenly interleaved over the cycle. */
    static Spec[] weightedCycle(List<Spec> specs) {
        int total = specs.stream().mapToInt(Spec::weight).sum();
        Spec[] cycle = new Spec[total];
        int[] current = new int[specs.size()];
        for (int i = 0; i < total; i++) {              // smooth weighted round robin
            int best = 0;
            for (int s = 0; s < specs.size(); s++) {
                current[s] += specs.get(s).weight();
                if (current[s] > current[best]) {
                    best = s;
                }
            }
            current[best] -= total;
            cycle[i] = specs.get(best);
        }
        return cycle;
    }

    private void sender(int lane, int connections, Spec[] cycle, double rate, long start, long measureFrom, long end,
                        LatencyHistogram hist, Counters counters) {
        Conn conn = null;
        try {
            for (long k = 0; ; k++) {
                long seq = k * connections + lane;
                long intended = start + (long) (seq * 1e9 / rate);
                if (intended >= end) {
                    break;
                }
                sleepUntil(intended);
                boolean measuring = intended >= measureFrom;
                Spec spec = cycle[(int) (seq % cycle.length)];
                if (measuring) {
                    counters.lag(System.nanoTime() - intended);
                }
                try {
                    if (conn == null) {
                        conn = open(measuring ? counters : null);
                    }
                    conn.send(spec);
                    Response r = conn.read(!spec.method().equals("HEAD"));
                    long done = System.nanoTime();
                    if (r.close) {
                        conn.close();
                        conn = null;
                    }
                    if (measuring) {
                        hist.recordNanos(done - intended);
                        counters.completed.incrementAndGet();
                        counters.status.incrementAndGet(Math.min(599, Math.max(0, r.status)));
                        counters.bytesIn.addAndGet(r.bodyBytes);
                        if (r.status != spec.expect()) {
                            counters.unexpected.incrementAndGet();
                            counters.lastError = spec.label() + " answered " + r.status;
                        }
                    }
                } catch (IOException e) {
                    if (measuring) {
                        (e instanceof SocketTimeoutException ? counters.timeouts : counters.socketErrors).incrementAndGet();
                        counters.lastError = spec.label() + ": " + e;
                    }
                    if (conn != null) {
                        conn.close();
                        conn = null;
                    }
                }
            }
        } finally {
            if (conn != null) {
                conn.close();
            }
        }
    }

    private void sideSender(List<Spec> specs, double rate, long start, long end, Counters counters, ExecutorService writers) {
        for (long i = 0; ; i++) {
            long intended = start + (long) (i * 1e9 / rate);
            if (intended >= end) {
                return;
            }
            sleepUntil(intended);
            Spec spec = specs.get((int) (i % specs.size()));
            Conn conn = null;
            Future<?> writing = null;
            try {
                conn = open(counters);
                final Conn c = conn;
                writing = writers.submit(() -> {
                    c.send(spec);
                    return null;
                });
                Response r = conn.read(true);
                counters.completed.incrementAndGet();
                counters.status.incrementAndGet(Math.min(599, Math.max(0, r.status)));
                if (r.status != spec.expect()) {
                    counters.unexpected.incrementAndGet();
                    counters.lastError = spec.label() + " answered " + r.status;
                }
            } catch (IOException e) {
                (e instanceof SocketTimeoutException ? counters.timeouts : counters.socketErrors).incrementAndGet();
                counters.lastError = spec.label() + ": " + e;
            } finally {
                if (conn != null) {
                    conn.close();          // the writer, if still writing, fails now; that is expected
                }
                if (writing != null) {
                    try {
                        writing.get(timeoutMillis, TimeUnit.MILLISECONDS);
                    } catch (Exception ignored) {
                        writing.cancel(true);
                    }
                }
            }
        }
    }

    private static void progress(double everyS, long start, long measureFrom, long end, Counters c, Counters side) {
        long every = (long) (everyS * 1e9);
        long lastCompleted = 0;
        for (long t = measureFrom + every; t <= end + 1_000_000; t += every) {
            sleepUntil(t);
            long completed = c.completed.get();
            System.out.printf(Locale.ROOT,
                    "progress t=%3ds  %7.1f req/s  completed=%d statuses=%s unexpected=%d 5xx=%d socket_errors=%d timeouts=%d late_sends=%d | side: statuses=%s unexpected=%d errors=%d%n",
                    (t - measureFrom) / 1_000_000_000L, (completed - lastCompleted) / everyS, completed, c.statuses(),
                    c.unexpected.get(), c.fiveXx(), c.socketErrors.get(), c.timeouts.get(), c.lateSends.get(),
                    side.statuses(), side.unexpected.get(), side.socketErrors.get() + side.timeouts.get());
            lastCompleted = completed;
        }
    }

    private static void report(double rate, long durationNanos, long elapsedNanos, LatencyHistogram h, Counters c,
                               Counters side, long stillRunning) {
        double secs = Math.max(1e-9, elapsedNanos / 1e9);
        double achieved = c.completed.get() / secs;
        long expected = (long) (rate * durationNanos / 1e9);
        System.out.printf(Locale.ROOT, "target %.0f req/s: %d of %d scheduled requests completed in %.1f s = %.1f req/s%n",
                rate, c.completed.get(), expected, secs, achieved);
        System.out.printf(Locale.ROOT, "latency from intended send time (ms): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f%n",
                h.percentileMicros(50) / 1e3, h.percentileMicros(90) / 1e3, h.percentileMicros(99) / 1e3,
                h.percentileMicros(99.9) / 1e3, h.maxMicros() / 1e3, h.meanMicros() / 1e3);
        System.out.printf(Locale.ROOT, "statuses %s; unexpected %d; 5xx %d; socket errors %d; timeouts %d; connects %d%n",
                c.statuses(), c.unexpected.get(), c.fiveXx(), c.socketErrors.get(), c.timeouts.get(), c.connects.get());
        System.out.printf(Locale.ROOT, "sends more than 1 ms behind schedule: %d (max lag %.3f ms)%n",
                c.lateSends.get(), c.maxLagNanos.get() / 1e6);
        if (side.completed.get() + side.socketErrors.get() + side.timeouts.get() > 0) {
            System.out.printf("side requests: statuses %s; unexpected %d; socket errors %d; timeouts %d%n",
                    side.statuses(), side.unexpected.get(), side.socketErrors.get(), side.timeouts.get());
        }
        if (!c.lastError.isEmpty() || !side.lastError.isEmpty()) {
            System.out.println("last error: " + (c.lastError.isEmpty() ? side.lastError : c.lastError));
        }
        if (stillRunning > 0) {
            System.out.println("warning: " + stillRunning + " sender threads did not finish in time");
        }
        System.out.printf(Locale.ROOT,
                "RESULT rate_target=%.0f completed=%d expected=%d achieved=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d"
                        + " unexpected=%d fivexx=%d socket_errors=%d timeouts=%d late_sends=%d max_lag_us=%d statuses=%s"
                        + " side_completed=%d side_unexpected=%d side_fivexx=%d side_errors=%d side_statuses=%s stuck_threads=%d%n",
                rate, c.completed.get(), expected, achieved, h.percentileMicros(50), h.percentileMicros(90),
                h.percentileMicros(99), h.percentileMicros(99.9), h.maxMicros(), c.unexpected.get(), c.fiveXx(),
                c.socketErrors.get(), c.timeouts.get(), c.lateSends.get(), c.maxLagNanos.get() / 1000, c.statuses(),
                side.completed.get(), side.unexpected.get(), side.fiveXx(), side.socketErrors.get() + side.timeouts.get(),
                side.statuses(), stillRunning);
    }

    private static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    // ------------------------------------------------------------------------------------------------

    private Conn open(Counters counters) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMillis);
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            SSLSocket tls = (SSLSocket) factory.createSocket(s, host, port, true);
            SSLParameters p = tls.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");    // check the certificate's SAN like a real client
            tls.setSSLParameters(p);
            tls.setSoTimeout(timeoutMillis);
            tls.startHandshake();
            if (counters != null) {
                counters.connects.incrementAndGet();
            }
            return new Conn(tls);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    record Response(int status, long bodyBytes, boolean close) {
    }

    /** One keep-alive HTTP/1.1 connection with a small read buffer of its own. */
    static final class Conn implements AutoCloseable {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int lim;

        Conn(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void send(Spec spec) throws IOException {
            out.write(spec.head());
            byte[] body = spec.body();
            if (body != null && spec.chunked()) {
                for (int off = 0; off < body.length; off += 64 * 1024) {
                    int n = Math.min(64 * 1024, body.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, off, n);
                    out.write(CRLF);
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else if (body != null && spec.head().length < body.length) {   // large body not folded into head
                out.write(body);
            }
            out.flush();
        }

        Response read(boolean hasBody) throws IOException {
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response: " + statusLine);
            }
            int sp = statusLine.indexOf(' ');
            int status = Integer.parseInt(statusLine.substring(sp + 1, sp + 4));
            long length = -1;
            boolean chunked = false;
            boolean close = statusLine.startsWith("HTTP/1.0");
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> close = value.contains("close");
                    default -> { }
                }
            }
            long body = 0;
            if (!hasBody || status == 204 || status == 304 || status / 100 == 1) {
                body = 0;
            } else if (chunked) {
                for (long n; (n = Long.parseLong(stripExt(line()), 16)) > 0; ) {
                    skip(n);
                    body += n;
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
                body = length;
            } else {
                while (fill()) {                  // body until the server closes
                    body += lim - pos;
                    pos = lim;
                }
                close = true;
            }
            return new Response(status, body, close);
        }

        private static String stripExt(String chunkHeader) {
            int semi = chunkHeader.indexOf(';');
            return (semi < 0 ? chunkHeader : chunkHeader.substring(0, semi)).trim();
        }

        private boolean fill() throws IOException {
            if (pos < lim) {
                return true;
            }
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                return false;
            }
            pos = 0;
            lim = n;
            return true;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            while (true) {
                if (!fill()) {
                    throw new IOException("connection closed by the server");
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    return sb.toString();
                }
                if (sb.length() > 16 * 1024) {
                    throw new IOException("response header line too long");
                }
                sb.append((char) (b & 0xff));
            }
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                if (!fill()) {
                    throw new IOException("connection closed before the end of the body");
                }
                int take = (int) Math.min(n, lim - pos);
                pos += take;
                n -= take;
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        private static final byte[] CRLF = {'\r', '\n'};
    }
}
