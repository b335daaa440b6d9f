package dev.deadlineguard.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Says in words why a call to the API server failed: the host, TLS, credentials, permissions or a
 * time-out, rather than an exception's class. The same failure always gives the same words, so that a
 * caller can log once per change instead of once per attempt.
 */
public final class ConnectionProblem {

    private ConnectionProblem() {
    }

    public static String describe(Throwable failure) {
        KubernetesClientException api = find(failure, KubernetesClientException.class);
        if (api != null && api.getCode() > 0) {
            return http(api);
        }
        if (find(failure, UnknownHostException.class) != null) {
            return "cannot resolve the host name " + message(find(failure, UnknownHostException.class));
        }
        if (find(failure, HttpConnectTimeoutException.class) != null) {
            return "connecting timed out";
        }
        if (find(failure, ConnectException.class) != null || find(failure, ClosedChannelException.class) != null) {
            return "connection refused (nothing listens there yet, or a firewall rejects it)";
        }
        if (find(failure, NoRouteToHostException.class) != null) {
            return "no route to host";
        }
        if (find(failure, CertificateException.class) != null) {
            return "TLS: the API server's certificate is not trusted (" + message(find(failure, CertificateException.class))
                    + "); check certificate-authority-data in the kubeconfig";
        }
        if (find(failure, SSLHandshakeException.class) != null || find(failure, SSLException.class) != null) {
            SSLException tls = find(failure, SSLException.class);
            return "TLS handshake failed (" + message(tls) + ")";
        }
        if (find(failure, HttpTimeoutException.class) != null || find(failure, SocketTimeoutException.class) != null
                || find(failure, TimeoutException.class) != null) {
            return "the request timed out";
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage();
        return text == null || text.isBlank() ? "the request failed (" + simpleName(root) + ")" : text;
    }

    /** The API server was not reached at all (as opposed to answering with an error status). */
    public static boolean unreachable(Throwable failure) {
        KubernetesClientException api = find(failure, KubernetesClientException.class);
        return api == null || api.getCode() <= 0;
    }

    private static String http(KubernetesClientException e) {
        String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : null;
        return switch (e.getCode()) {
            case 401 -> "the API server rejected the credentials (401 Unauthorized): the token or client certificate is "
                    + "missing, expired or wrong";
            case 403 -> "forbidden (403)" + (reason == null ? "" : ": " + reason);
            case 404 -> "not found (404)" + (reason == null ? "" : ": " + reason);
            case 429 -> "the API server is throttling requests (429 Too Many Requests)";
            default -> "HTTP " + e.getCode() + (reason == null ? "" : ": " + reason);
        };
    }

    private static String message(Throwable t) {
        return t == null || t.getMessage() == null ? "" : t.getMessage();
    }

    private static String simpleName(Throwable t) {
        return t.getClass().getSimpleName().replaceAll("(Exception|Error)$", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                .toLowerCase(java.util.Locale.ROOT);
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (type.isInstance(suppressed)) {
                    return type.cast(suppressed);
                }
            }
        }
        return null;
    }
}
