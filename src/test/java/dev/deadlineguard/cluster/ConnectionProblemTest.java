package dev.deadlineguard.cluster;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

/** The cause of a failed API call in words, not as an exception class. */
class ConnectionProblemTest {

    static KubernetesClientException wrapped(Throwable cause) {
        return new KubernetesClientException("Operation: [get] for kind: [Lease] failed.", new IOException(cause));
    }

    static KubernetesClientException status(int code, String message) {
        return new KubernetesClientException(new StatusBuilder().withCode(code).withMessage(message).build());
    }

    @Test
    void namesTheNetworkCause() {
        assertThat(ConnectionProblem.describe(wrapped(new ConnectException())))
                .isEqualTo("connection refused (nothing listens there yet, or a firewall rejects it)");
        assertThat(ConnectionProblem.describe(wrapped(new UnknownHostException("kubernetes.example"))))
                .isEqualTo("cannot resolve the host name kubernetes.example");
        assertThat(ConnectionProblem.describe(wrapped(new HttpTimeoutException("request timed out"))))
                .isEqualTo("the request timed out");
        assertThat(ConnectionProblem.unreachable(wrapped(new ConnectException()))).isTrue();
    }

    @Test
    void namesTheTlsCause() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("unable to find valid certification path"));
        assertThat(ConnectionProblem.describe(wrapped(untrusted))).isEqualTo("TLS: the API server's certificate is not "
                + "trusted (unable to find valid certification path); check certificate-authority-data in the kubeconfig");
        assertThat(ConnectionProblem.describe(wrapped(new SSLHandshakeException("Received fatal alert: handshake_failure"))))
                .isEqualTo("TLS handshake failed (Received fatal alert: handshake_failure)");
    }

    @Test
    void namesTheHttpCause() {
        assertThat(ConnectionProblem.describe(status(401, "Unauthorized"))).isEqualTo("the API server rejected the "
                + "credentials (401 Unauthorized): the token or client certificate is missing, expired or wrong");
        assertThat(ConnectionProblem.describe(status(403, "replicasets.apps is forbidden: User \"x\" cannot list")))
                .isEqualTo("forbidden (403): replicasets.apps is forbidden: User \"x\" cannot list");
        assertThat(ConnectionProblem.describe(status(404, "the server could not find the requested resource")))
                .isEqualTo("not found (404): the server could not find the requested resource");
        assertThat(ConnectionProblem.unreachable(status(403, "x"))).isFalse();
    }
}
