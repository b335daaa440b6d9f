package dev.deadlineguard.bench;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fabric8 mock API server in its own process, on 127.0.0.1:PORT, holding N guarded ReplicaSets (10 per Rollout,
 * the shape {@link SweeperBenchmark} uses) for {@code bench/sweeper-pod.sh}, which points the built jar's
 * {@code serve} at it. Lists with {@code limit} are answered in pages with a {@code continue} token, as the real API
 * server answers them (the mock alone ignores {@code limit} and answers one response with everything, which a client
 * with a small heap cannot take), and a watch sends only the changes after it started, as the real API server's
 * watch from the list's resourceVersion does (the mock alone first sends every stored object again as ADDED: a
 * burst of 100,000 events that the client queues), and {@code /version} is a version (the mock alone answers it with
 * every object it holds). Prints {@code ready} when filled; runs until killed.
 *
 * <p>Usage: {@code SweeperApiServer PORT REPLICASETS}
 */
public final class SweeperApiServer {

    private static final Pattern LIMIT = Pattern.compile("[?&]limit=(\\d+)");
    private static final Pattern CONTINUE = Pattern.compile("[?&]continue=([^&]+)");

    /** A dispatcher that pages lists asked for with {@code limit}. */
    static final class PagingDispatcher extends KubernetesCrudDispatcher {
        private final Map<String, List<String>> snapshots = new ConcurrentHashMap<>();
        private final AtomicLong snapshotIds = new AtomicLong();

        @Override
        public MockResponse dispatch(io.fabric8.mockwebserver.http.RecordedRequest request) {
            // The CRUD mock answers /version with every object it holds (114 MB at 100,000 ReplicaSets), and the jar
            // asks for it every few seconds to see that the API server answers.
            MockResponse response = request.getPath().startsWith("/version")
                    ? new MockResponse().setResponseCode(200).setBody(
                            "{\"major\":\"1\",\"minor\":\"30\",\"gitVersion\":\"v1.30.0-mock\",\"platform\":\"linux/amd64\"}")
                    : super.dispatch(request);
            if (Boolean.getBoolean("bench.logRequests")) {
                System.out.println(request.getMethod() + " " + request.getPath() + " -> " + response.getBody().size());
            }
            return response;
        }

        @Override
        public MockResponse handleGet(String path) {
            Matcher limit = LIMIT.matcher(path);
            if (!limit.find() || path.contains("watch=true")) {
                return super.handleGet(path);
            }
            int size = Integer.parseInt(limit.group(1));
            Matcher cont = CONTINUE.matcher(path);
            String id;
            int offset;
            List<String> items;
            if (cont.find()) {
                String[] token = cont.group(1).split("-");
                id = token[0];
                offset = Integer.parseInt(token[1]);
                items = snapshots.get(id);
                if (items == null) {
                    return new MockResponse().setResponseCode(410).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410}");
                }
            } else {
                String query = path.replaceAll("([?&])(limit|continue)=[^&]*", "$1").replaceAll("[?&]+$", "")
                        .replaceAll("\\?&+", "?").replaceAll("&&+", "&");
                items = matching(getAttributeExtractor().fromPath(query));
                id = Long.toString(snapshotIds.incrementAndGet());
                offset = 0;
                snapshots.put(id, items);
            }
            int end = Math.min(items.size(), offset + size);
            StringBuilder body = new StringBuilder(64 + (end - offset) * 1200);
            body.append("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"")
                    .append(requestResourceVersion()).append('"');
            if (end < items.size()) {
                body.append(",\"continue\":\"").append(id).append('-').append(end).append('"');
            } else {
                snapshots.remove(id);
            }
            body.append("},\"items\":[");
            for (int i = offset; i < end; i++) {
                if (i > offset) {
                    body.append(',');
                }
                body.append(items.get(i));
            }
            body.append("]}");
            return new MockResponse().setResponseCode(200).setBody(body.toString());
        }

        /** A watch without the mock's replay of every stored object (fabric8's listener and set, by reflection). */
        @Override
        public MockResponse handleWatch(String path) {
            try {
                AttributeSet attributes = getAttributeExtractor().fromPath(path);
                Matcher name = Pattern.compile("fieldSelector=metadata(?:\\.|%2E)name(?:=|%3D)([^&]+)").matcher(path);
                if (name.find()) {
                    attributes = attributes.add(new io.fabric8.mockwebserver.crud.Attribute("name", name.group(1)));
                }
                java.lang.reflect.Field listenersField = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
                listenersField.setAccessible(true);
                Class<?> type = Class.forName("io.fabric8.kubernetes.client.server.mock.WatchEventsListener");
                java.lang.reflect.Constructor<?> make = type.getDeclaredConstructor(Context.class, AttributeSet.class,
                        java.util.Set.class, org.slf4j.Logger.class, java.util.function.Consumer.class);
                make.setAccessible(true);
                java.lang.reflect.Field contextField = io.fabric8.mockwebserver.crud.CrudDispatcher.class.getDeclaredField("context");
                contextField.setAccessible(true);
                @SuppressWarnings("unchecked")
                java.util.Set<Object> listeners = (java.util.Set<Object>) listenersField.get(this);
                Object listener = make.newInstance(contextField.get(this), attributes, listeners,
                        org.slf4j.LoggerFactory.getLogger(SweeperApiServer.class), (java.util.function.Consumer<Object>) l -> { });
                listeners.add(listener);
                return new MockResponse().withWebSocketUpgrade((io.fabric8.mockwebserver.http.WebSocketListener) listener);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the fabric8 mock changed: " + e, e);
            }
        }

        private List<String> matching(AttributeSet query) {
            while (true) {
                try {
                    List<String> items = new ArrayList<>();
                    for (Map.Entry<AttributeSet, String> e : new ArrayList<>(getMap().entrySet())) {
                        if (e.getKey().matches(query)) {
                            items.add(e.getValue());
                        }
                    }
                    return items;
                } catch (ConcurrentModificationException e) {
                    // a write landed while copying; copy again
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int total = Integer.parseInt(args[1]);
        int perRollout = 10;
        int namespaces = 10;
        java.util.logging.LogManager.getLogManager().reset();
        PagingDispatcher dispatcher = new PagingDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        MockStore store = new MockStore(dispatcher);
        long start = System.nanoTime();
        String future = DateTimeFormatter.ISO_INSTANT.format(Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS));
        for (int r = 0; r < total / perRollout; r++) {
            String ns = "team-" + (r % namespaces);
            String name = "app-" + r;
            String uid = store.create("/apis/argoproj.io/v1alpha1/namespaces/" + ns + "/rollouts",
                    SweeperBenchmark.rollout(ns, name, perRollout));
            for (int rev = 1; rev <= perRollout; rev++) {
                ReplicaSet rs = SweeperBenchmark.replicaSet(ns, name, rev, rev == perRollout ? null : future);
                rs.getMetadata().getOwnerReferences().get(0).setUid(uid);
                store.create("/apis/apps/v1/namespaces/" + ns + "/replicasets", rs);
            }
        }
        server.init(InetAddress.getLoopbackAddress(), port);
        System.out.printf("ready: %d ReplicaSets (%d Rollouts) on %s in %.1f s%n", total, total / perRollout, server.url("/"),
                (System.nanoTime() - start) / 1e9);
        System.out.flush();
        Thread.currentThread().join();
    }
}
