package dev.deadlineguard.testing;

import dev.deadlineguard.tls.CertificateFiles;
import dev.deadlineguard.tls.KeyStores;
import dev.deadlineguard.tls.PemFiles;
import dev.deadlineguard.tls.ServingCertificates;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/** Generated certificates in a directory, and a client SSLContext that trusts their CA. */
public record TestCertificates(Path dir, CertificateFiles files, KeyStores.ServingPair serving, SSLContext clientContext) {

    public static TestCertificates in(Path dir) throws Exception {
        CertificateFiles files = ServingCertificates.ensure(dir, List.of(), Clock.systemUTC());
        KeyStores.ServingPair serving = KeyStores.load(files, Clock.systemUTC().instant());
        return new TestCertificates(dir, files, serving, trusting(dir.resolve(ServingCertificates.CA_CERT)));
    }

    public Path caFile() {
        return dir.resolve(ServingCertificates.CA_CERT);
    }

    public static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (X509Certificate ca : PemFiles.readCertificates(caFile)) {
            trust.setCertificateEntry("ca" + i++, ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
