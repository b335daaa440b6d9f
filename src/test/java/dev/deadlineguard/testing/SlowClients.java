package dev.deadlineguard.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slowloris over TLS: connections that finish the handshake, send the headers of a review that
 * declares a 100 KB body, send one byte of it, then trickle. {@code main} keeps a number of them
 * open for a while (reopening those the server closes) and prints how many were open, for
 * {@code bench/admission.sh}.
 */
public final class SlowClients implements AutoCloseable {

    public static final int DECLARED_BODY = 100_000;

    private final SSLContext context;
    private final int port;
    private final List<SSLSocket> sockets = new ArrayList<>();

    public SlowClients(SSLContext context, int port) {
        this.context = context;
        this.port = port;
    }

    /** Opens {@code n} connections and completes their TLS handshakes; nothing sent yet. */
    public void connect(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            sockets.add(handshake());
        }
    }

    /** Sends the headers and the first byte of the body on every connection. */
    public void startRequests() throws IOException {
        for (SSLSocket socket : sockets) {
            startRequest(socket);
        }
    }

    /** The connections the server has not closed, as far as a write can tell. */
    public int stillOpen() {
        int open = 0;
        for (SSLSocket socket : sockets) {
            if (trickle(socket)) {
                open++;
            }
        }
        return open;
    }

    public int size() {
        return sockets.size();
    }

    @Override
    public void close() {
        for (SSLSocket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private SSLSocket handshake() throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    private static void startRequest(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + DECLARED_BODY + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One more byte of the body; {@code false} when the connection is gone. */
    private static boolean trickle(SSLSocket socket) {
        if (socket.isClosed()) {
            return false;
        }
        try {
            socket.getOutputStream().write(' ');
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            closeQuietly(socket);
            return false;
        }
    }

    private static void closeQuietly(SSLSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * {@code SlowClients PORT CA_FILE CONNECTIONS SECONDS}: keeps CONNECTIONS slow requests open for
     * SECONDS, one byte per connection per second, reopening the ones the server closes; prints
     * {@code ready} once all are open, then a summary line.
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        SSLContext context = TestCertificates.trusting(Path.of(args[1]));
        int n = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        SlowClients clients = new SlowClients(context, port);
        AtomicInteger reopened = new AtomicInteger();
        AtomicLong minOpen = new AtomicLong(Long.MAX_VALUE);
        clients.connect(n);
        clients.startRequests();
        System.out.println("ready " + clients.size());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            synchronized (clients) {
                for (int i = 0; i < clients.sockets.size(); i++) {
                    SSLSocket socket = clients.sockets.get(i);
                    if (!trickle(socket)) {
                        try {
                            SSLSocket fresh = clients.handshake();
                            startRequest(fresh);
                            clients.sockets.set(i, fresh);
                            reopened.incrementAndGet();
                        } catch (IOException e) {
                            // the server may refuse at its connection cap: try again next second
                        }
                    }
                }
                long open = clients.sockets.stream().filter(s -> !s.isClosed()).count();
                minOpen.accumulateAndGet(open, Math::min);
            }
        }
        System.out.println("slow_connections=" + n + " reopened=" + reopened.get() + " min_open=" + minOpen.get());
        clients.close();
    }
}
