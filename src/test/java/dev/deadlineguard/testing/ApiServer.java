package dev.deadlineguard.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The fabric8 mock API server in CRUD mode on a fixed port, which a test can stop and start again
 * (its objects survive, as etcd's do across an apiserver restart) to simulate outages, and which can
 * answer chosen requests with an error status (a CRD that is not installed yet, a namespace that
 * forbids writes). Nothing listens on the port before {@link #start()}.
 */
public final class ApiServer implements AutoCloseable {

    /** An error answer for the requests a predicate picks (method and path). */
    public record Fault(Predicate<RecordedRequest> applies, int code, String reason) {
    }

    private final int port;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            for (Fault fault : faults) {
                if (fault.applies().test(request)) {
                    return new MockResponse().setResponseCode(fault.code()).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Failure\",\"message\":\"" + fault.reason() + "\",\"code\":" + fault.code() + "}");
                }
            }
            return super.dispatch(request);
        }
    };
    private KubernetesMockServer server;

    private ApiServer(int port) {
        this.port = port;
    }

    /** A server on a free port, not started yet. */
    public static ApiServer onFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new ApiServer(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized ApiServer start() {
        if (server == null) {
            server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
            server.init(InetAddress.getLoopbackAddress(), port);
        }
        return this;
    }

    /** Stops listening; the objects are kept for the next {@link #start()}. Open watches are cut. */
    public synchronized void stop() {
        if (server != null) {
            server.destroy();
            server = null;
        }
    }

    public ApiServer fault(Fault fault) {
        faults.add(fault);
        return this;
    }

    public void clearFaults() {
        faults.clear();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** A client for the test's own reads and writes. */
    public KubernetesClient client() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url()).withNamespace("default")
                .withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Writes a kubeconfig that points at this server (whether it runs or not). */
    public Path writeKubeconfig(Path dir) throws IOException {
        return Kubeconfigs.write(dir, url(), "default");
    }

    @Override
    public void close() {
        stop();
    }
}
