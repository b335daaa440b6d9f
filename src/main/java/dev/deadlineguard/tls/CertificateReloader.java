package dev.deadlineguard.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the served certificate in step with its files. The files are read once at start (a bad pair
 * fails fast), then polled: when their content changes, the new pair is checked and handed on; a
 * broken pair is rejected with one clear log line and the old one keeps serving. Reading through
 * the paths follows the symlinks of a Kubernetes Secret volume, whose atomic {@code ..data} swap
 * therefore looks like any other change. Also warns ahead of expiry.
 */
public final class CertificateReloader implements AutoCloseable {

    /** Observes reload outcomes (for metrics). */
    public interface Listener {
        void loaded(KeyStores.ServingPair pair);

        void rejected(String reason);
    }

    private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

    private final CertificateFiles files;
    private final Clock clock;
    private final Duration warnBefore;
    private final Consumer<KeyStores.ServingPair> apply;
    private final Listener listener;
    private ScheduledExecutorService scheduler;

    private KeyStores.ServingPair current;
    private byte[] currentDigest;
    private byte[] rejectedDigest;
    private Instant lastExpiryWarning = Instant.MIN;

    /**
     * Loads the pair now; throws when it is unusable.
     *
     * @param apply receives every newly accepted pair (not the first one, which {@link #current()} returns)
     */
    public CertificateReloader(CertificateFiles files, Clock clock, Duration warnBefore,
                               Consumer<KeyStores.ServingPair> apply, Listener listener)
            throws IOException, GeneralSecurityException {
        this.files = files;
        this.clock = clock;
        this.warnBefore = warnBefore;
        this.apply = apply;
        this.listener = listener;
        PemSources pem = PemSources.read(files);
        this.current = KeyStores.load(pem, clock.instant());
        this.currentDigest = pem.digest();
        listener.loaded(current);
        warnIfExpiring();
    }

    public synchronized KeyStores.ServingPair current() {
        return current;
    }

    /** Starts polling the files every {@code interval}. */
    public synchronized void start(Duration interval) {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "certificate-reloader");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(50, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Reads the files once and applies a changed, valid pair. Returns true when a new pair was applied. */
    public synchronized boolean checkNow() {
        PemSources pem;
        try {
            pem = PemSources.read(files);
        } catch (IOException e) {
            reject(null, "cannot read the certificate files (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            return false;
        }
        byte[] digest = pem.digest();
        if (Arrays.equals(digest, currentDigest)) {
            rejectedDigest = null;
            warnIfExpiring();
            return false;
        }
        if (Arrays.equals(digest, rejectedDigest)) {
            return false;
        }
        KeyStores.ServingPair next;
        try {
            next = KeyStores.load(pem, clock.instant());
        } catch (IOException | GeneralSecurityException e) {
            reject(digest, e.getMessage());
            return false;
        }
        apply.accept(next);
        current = next;
        currentDigest = digest;
        rejectedDigest = null;
        listener.loaded(next);
        LOG.info("reloaded the serving certificate from {}: sha256 {}, expires {}", files.certificate(),
                fingerprint(next), next.leaf().getNotAfter().toInstant());
        warnIfExpiring();
        return true;
    }

    private void checkQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            LOG.error("certificate reload check failed; keeping the current certificate", e);
        }
    }

    private void reject(byte[] digest, String reason) {
        rejectedDigest = digest;
        listener.rejected(reason);
        LOG.error("rejected the new serving certificate: {}; still serving sha256 {} (expires {})",
                reason, fingerprint(current), current.leaf().getNotAfter().toInstant());
    }

    private void warnIfExpiring() {
        Instant now = clock.instant();
        Instant notAfter = current.leaf().getNotAfter().toInstant();
        if (notAfter.isBefore(now.plus(warnBefore)) && lastExpiryWarning.isBefore(now.minus(Duration.ofHours(1)))) {
            lastExpiryWarning = now;
            LOG.warn("the serving certificate {} expires at {} (in {} hours); renew it (certs-script rotate, or cert-manager)",
                    files.certificate(), notAfter, Duration.between(now, notAfter).toHours());
        }
    }

    private static String fingerprint(KeyStores.ServingPair pair) {
        try {
            return CertificateInfo.fingerprint(pair.leaf());
        } catch (GeneralSecurityException e) {
            return "unknown";
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
