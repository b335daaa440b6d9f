package dev.deadlineguard.manifests;

import dev.deadlineguard.cli.EnvironmentDefaults;
import dev.deadlineguard.cli.Main;
import dev.deadlineguard.cli.ServeCommand;
import dev.deadlineguard.policy.GuardConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Deployment, its Service and PodDisruptionBudget: ports, probes, hardening, resources, flags. */
class DeploymentTest {

    static final int SERVER_PORT = 8443;
    static final String TLS_MOUNT = "/etc/deadline-guard/tls";
    static final String IMAGE = "ghcr.io/deadline-guard/deadline-guard";
    static final String IMAGE_TAG = "0.1.0";

    /**
     * Flags that {@code serve} does not have yet but whose environment variables the Deployment may
     * already set (for work in progress). Empty when every variable names a real flag.
     */
    static final Set<String> PENDING_FLAGS = Set.of();

    /** The pod name the downward API would give (metadata.name), for parsing the flags as in a pod. */
    static final String POD_NAME = "deadline-guard-7c9d8f6b5d-4xk2p";

    static List<Path> variants() {
        return Kustomize.VARIANTS;
    }

    static Deployment deployment(Path dir) {
        return Rendered.of(dir).one(Deployment.class);
    }

    static Container container(Deployment d) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void twoReplicasThatStayAvailableDuringRolloutsAndDrains(Path dir) {
        Rendered r = Rendered.of(dir);
        Deployment d = r.one(Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));

        PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class);
        assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
        assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
        assertThat(pdb.getSpec().getMaxUnavailable()).isNull();
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(d.getSpec().getReplicas());
        assertThat(pdb.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void selectorsMatchThePods(Path dir) {
        Rendered r = Rendered.of(dir);
        Deployment d = r.one(Deployment.class);
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
        assertThat(selector).isNotEmpty();
        assertThat(d.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
        assertThat(podLabels).containsAllEntriesOf(selector);
        assertThat(r.one(Service.class).getSpec().getSelector()).isEqualTo(selector);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void serviceSendsPort443ToTheContainerPortTheProbesUse(Path dir) {
        Rendered r = Rendered.of(dir);
        Service service = r.one(Service.class);
        Container c = container(r.one(Deployment.class));

        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(443);
            assertThat(p.getName()).isEqualTo("https");
            assertThat(p.getProtocol()).isEqualTo("TCP");
            assertThat(resolve(c, p.getTargetPort())).isEqualTo(SERVER_PORT);
        });
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(SERVER_PORT);
            assertThat(p.getName()).isEqualTo("https");
        });
        for (Probe probe : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
            HTTPGetAction get = probe.getHttpGet();
            assertThat(get).isNotNull();
            assertThat(get.getScheme()).isEqualTo("HTTPS");
            assertThat(resolve(c, get.getPort())).isEqualTo(SERVER_PORT);
        }
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        // The server's own --port is the same number.
        assertThat(serveOption(r.one(Deployment.class), "--port")).isEqualTo(SERVER_PORT);
    }

    /** A probe's or Service's port, by number or by the container port's name. */
    static int resolve(Container c, IntOrString port) {
        assertThat(port).isNotNull();
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void podIsHardened(Path dir) {
        Deployment d = deployment(dir);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        PodSecurityContext psc = pod.getSecurityContext();
        assertThat(psc.getRunAsNonRoot()).isTrue();
        assertThat(psc.getRunAsUser()).isEqualTo(65532L);
        assertThat(psc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).as(v.getName()).isNull());
        assertThat(pod.getInitContainers()).isNullOrEmpty();
        assertThat(pod.getEphemeralContainers()).isNullOrEmpty();

        for (Container c : pod.getContainers()) {
            SecurityContext sc = c.getSecurityContext();
            assertThat(sc).as(c.getName()).isNotNull();
            assertThat(sc.getRunAsNonRoot()).isTrue();
            assertThat(sc.getRunAsUser()).isEqualTo(65532L);
            assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
            assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
            assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
            assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void serviceAccountTokenIsMountedForTheSweeper(Path dir) {
        Rendered r = Rendered.of(dir);
        PodSpec pod = r.one(Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo(r.one(ServiceAccount.class).getMetadata().getName());
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void tlsSecretIsMountedReadOnlyWholeAndTheServerReadsItThere(Path dir) {
        Deployment d = deployment(dir);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = container(d);
        Volume tls = volume(pod, TLS_MOUNT, c);
        assertThat(tls.getSecret().getSecretName()).isEqualTo(KustomizationsTest.TLS_SECRET);
        // Owner-readable and group-readable (fsGroup), never world-readable.
        assertThat(tls.getSecret().getDefaultMode() & 0007).isZero();
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(65532L);
        VolumeMount mount = mount(c, TLS_MOUNT);
        assertThat(mount.getReadOnly()).isTrue();
        // subPath mounts are never updated by the kubelet: a renewed certificate would never arrive.
        assertThat(mount.getSubPath()).isNullOrEmpty();
        assertThat(mount.getSubPathExpr()).isNullOrEmpty();

        assertThat(serveOption(d, "--tls-cert-file")).hasToString(TLS_MOUNT + "/tls.crt");
        assertThat(serveOption(d, "--tls-key-file")).hasToString(TLS_MOUNT + "/tls.key");
        assertThat(serveOption(d, "--cert-reload-interval")).isEqualTo(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void jvmGetsAWritableTmpOnAReadOnlyRoot(Path dir) {
        Deployment d = deployment(dir);
        Volume tmp = volume(d.getSpec().getTemplate().getSpec(), "/tmp", container(d));
        assertThat(tmp.getEmptyDir()).isNotNull();
        assertThat(mount(container(d), "/tmp").getReadOnly()).isNotEqualTo(Boolean.TRUE);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void resourcesAndJvmFlagsRespectTheMemoryLimit(Path dir) {
        Container c = container(deployment(dir));
        Map<String, Quantity> requests = c.getResources().getRequests();
        Map<String, Quantity> limits = c.getResources().getLimits();
        assertThat(requests).containsOnlyKeys("cpu", "memory");
        assertThat(requests.get("cpu")).isEqualTo(new Quantity("100m"));
        assertThat(requests.get("memory")).isEqualTo(new Quantity("256Mi"));
        // Memory limit only: no CPU limit (throttling turns into webhook latency).
        assertThat(limits).containsOnlyKeys("memory");
        assertThat(limits.get("memory")).isEqualTo(new Quantity("256Mi"));
        assertThat(bytes(requests.get("memory"))).isLessThanOrEqualTo(bytes(limits.get("memory")));

        String options = env(c).get("JAVA_TOOL_OPTIONS");
        assertThat(options).isNotNull();
        assertThat(options.split("\\s+")).containsExactlyInAnyOrder(
                "-Xmx112m", "-XX:MaxNewSize=16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Xss512k",
                "-XX:ReservedCodeCacheSize=32m", "-XX:TrimNativeHeapInterval=5000");
        // A heap cap sized to what the sweeper keeps (BENCHMARKS.md, "Pod limit, fourth round"): with 100,000
        // guarded ReplicaSets (66 MiB live) the serial collector, held to 10-30% free, commits 92 MiB of it, and
        // that with the 154 MiB measured beside it fits the limit; the cap itself is well below the request.
        BigDecimal mib = new BigDecimal(1024 * 1024);
        assertThat(new BigDecimal(92 + 154).multiply(mib)).isLessThan(bytes(limits.get("memory")));
        assertThat(new BigDecimal(112).multiply(mib)).isLessThan(bytes(requests.get("memory")));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shutdownGraceFitsInTheTerminationGracePeriod(Path dir) {
        Deployment d = deployment(dir);
        long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(grace).isEqualTo(40);
        Duration shutdown = (Duration) serveOption(d, "--shutdown-grace");
        assertThat(shutdown).isEqualTo(Duration.ofSeconds(25));
        Duration delay = (Duration) serveOption(d, "--shutdown-delay");
        assertThat(delay).isEqualTo(Duration.ofSeconds(5));
        assertThat(Duration.ofSeconds(grace)).isGreaterThan(delay.plus(shutdown).plusSeconds(5));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void replicasSpreadAcrossNodes(Path dir) {
        Deployment d = deployment(dir);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(t -> {
            assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
            assertThat(t.getMaxSkew()).isEqualTo(1);
            assertThat(podLabels).containsAllEntriesOf(t.getLabelSelector().getMatchLabels());
        });
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .as("a hard anti-affinity would leave a replica Pending on a one-node cluster").isNullOrEmpty();
        List<WeightedPodAffinityTerm> preferred =
                pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertThat(preferred).singleElement().satisfies(w -> {
            assertThat(w.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(podLabels).containsAllEntriesOf(w.getPodAffinityTerm().getLabelSelector().getMatchLabels());
        });
        assertThat(pod.getPriorityClassName()).isNull();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void imageIsTheReleaseTaggedByKustomizeAndRunsServe(Path dir) {
        Container c = container(deployment(dir));
        assertThat(c.getImage()).isEqualTo(IMAGE + ":" + IMAGE_TAG);
        assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
        // The image's entrypoint is `java -jar /app/deadline-guard.jar`; the Deployment gives the arguments.
        assertThat(c.getCommand()).isNullOrEmpty();
        assertThat(c.getArgs().get(0)).isEqualTo(ServeCommand.class.getAnnotation(CommandLine.Command.class).name());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void leaderElectionReadsNamespaceAndIdentityFromTheDownwardApi(Path dir) {
        Rendered r = Rendered.of(dir);
        Deployment d = r.one(Deployment.class);
        Container c = container(d);
        assertThat(fieldRef(c, "DEADLINE_GUARD_LEASE_NAMESPACE")).isEqualTo("metadata.namespace");
        assertThat(fieldRef(c, "DEADLINE_GUARD_LEADER_IDENTITY")).isEqualTo("metadata.name");
        // The Lease lives where the Role lets the ServiceAccount write Leases.
        assertThat(serveOption(d, "--lease-namespace")).isEqualTo(d.getMetadata().getNamespace())
                .isEqualTo(r.one(io.fabric8.kubernetes.api.model.rbac.Role.class).getMetadata().getNamespace());
        assertThat(serveOption(d, "--leader-identity")).isEqualTo(POD_NAME);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyFlagAndVariableIsOneServeKnowsAndParses(Path dir) {
        Deployment d = deployment(dir);
        Container c = container(d);
        Set<String> options = serveOptions();
        Set<String> variables = new java.util.HashSet<>();
        Stream.concat(options.stream(), PENDING_FLAGS.stream()).forEach(o -> variables.add(EnvironmentDefaults.variableFor(o)));

        for (String arg : c.getArgs().subList(1, c.getArgs().size())) {
            assertThat(arg).startsWith("--");
            assertThat(options).as("serve flag in args").contains(arg.split("=", 2)[0]);
        }
        for (EnvVar e : c.getEnv()) {
            if (e.getName().startsWith(EnvironmentDefaults.PREFIX)) {
                // A misspelt variable would be ignored silently.
                assertThat(variables).as("variable of a serve flag").contains(e.getName());
            }
        }
        // The values parse with the server's own converters.
        assertThat(serveOption(d, "--validate-mode")).hasToString("ENFORCE");
        assertThat(serveOption(d, "--sweep-mode")).hasToString("ENFORCE");
        assertThat(serveOption(d, "--no-sweeper")).isEqualTo(false);
        assertThat(serveOption(d, "--dry-run")).isEqualTo(false);
        assertThat(serveOption(d, "--controller-username")).isEqualTo(List.of(GuardConfig.DEFAULT_CONTROLLER));
        assertThat(serveOption(d, "--guarded-key")).isEqualTo(guardedKeys(d));
    }

    @Test
    void guardedKeysAreTheServersDefaults() {
        assertThat(guardedKeys(deployment(Kustomize.BASE)))
                .containsExactly(GuardConfig.CONTROLLER_KEY, GuardConfig.DOCUMENTED_KEY);
    }

    @Test
    void sourceDeploymentHasNoTagSoTheImagesTransformerSetsIt() throws Exception {
        var source = Rendered.documents(java.nio.file.Files.readString(Kustomize.BASE.resolve("deployment.yaml")));
        String image = source.get(0).at("/spec/template/spec/containers/0/image").asText();
        assertThat(image).isEqualTo(IMAGE);
        var kustomization = Rendered.documents(java.nio.file.Files.readString(Kustomize.BASE.resolve("kustomization.yaml")));
        assertThat(kustomization.get(0).at("/images/0/name").asText()).isEqualTo(IMAGE);
        assertThat(kustomization.get(0).at("/images/0/newTag").asText()).isEqualTo(IMAGE_TAG);
    }

    @Test
    void anOverlayCanRetagTheImage(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                images:
                  - name: %s
                    newName: registry.example.com/mirror/deadline-guard
                    newTag: 9.9.9
                """.formatted(tmp.toAbsolutePath().relativize(Kustomize.BASE.toAbsolutePath()), IMAGE));
        Deployment d = Rendered.of(tmp).one(Deployment.class);
        assertThat(container(d).getImage()).isEqualTo("registry.example.com/mirror/deadline-guard:9.9.9");
    }

    // --- helpers ---

    static Set<String> serveOptions() {
        Set<String> names = new java.util.TreeSet<>();
        new CommandLine(new ServeCommand()).getCommandSpec().options().forEach(o -> names.add(o.longestName()));
        return names;
    }

    /** The typed value of a serve option after parsing the container's args with its environment, as Main does. */
    static Object serveOption(Deployment d, String option) {
        Container c = container(d);
        Map<String, String> env = new LinkedHashMap<>(env(c));
        for (EnvVar e : c.getEnv()) {
            if (e.getValueFrom() != null) {
                String field = e.getValueFrom().getFieldRef().getFieldPath();
                env.put(e.getName(), switch (field) {
                    case "metadata.namespace" -> d.getMetadata().getNamespace();
                    case "metadata.name" -> POD_NAME;
                    default -> throw new AssertionError("unexpected downward API field " + field);
                });
            }
        }
        CommandLine cli = new CommandLine(new Main())
                .setDefaultValueProvider(new EnvironmentDefaults(env))
                .setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.ParseResult parsed = cli.parseArgs(c.getArgs().toArray(String[]::new));
        CommandLine.ParseResult serve = parsed.subcommand();
        assertThat(serve).as("args start with a subcommand").isNotNull();
        CommandLine.Model.OptionSpec spec = serve.commandSpec().findOption(option);
        assertThat(spec).as("serve has " + option).isNotNull();
        return spec.getValue();
    }

    /** Plain-valued environment variables (downward-API ones are left out). */
    static Map<String, String> env(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            assertThat(env).as("duplicate variable " + e.getName()).doesNotContainKey(e.getName());
            if (e.getValueFrom() == null) {
                env.put(e.getName(), e.getValue());
            }
        }
        return env;
    }

    static List<String> guardedKeys(Deployment d) {
        String value = env(container(d)).get(EnvironmentDefaults.variableFor("--guarded-key"));
        assertThat(value).isNotNull();
        return new ArrayList<>(List.of(value.split(",")));
    }

    static String fieldRef(Container c, String variable) {
        return c.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst()
                .map(e -> e.getValueFrom().getFieldRef().getFieldPath())
                .orElseThrow(() -> new AssertionError("no variable " + variable));
    }

    static Volume volume(PodSpec pod, String mountPath, Container c) {
        String name = mount(c, mountPath).getName();
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    static VolumeMount mount(Container c, String mountPath) {
        return c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(mountPath)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + mountPath));
    }

    static BigDecimal bytes(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }
}
