package dev.deadlineguard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.report.Audit;
import dev.deadlineguard.report.AuditInput;
import dev.deadlineguard.report.NamespaceReport;
import dev.deadlineguard.report.ReportFormat;
import dev.deadlineguard.report.LiveSnapshot;
import dev.deadlineguard.report.Summary;
import dev.deadlineguard.cluster.ClusterConnection;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.deadlineguard.sweep.SweepConfig;
import dev.deadlineguard.sweep.SweepMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Read a snapshot of the cluster (kubectl get rs,rollouts -A -o json, or -o yaml; or the live cluster "
                + "with --cluster) and print policy "
                + "reports for every Argo-managed ReplicaSet: one per namespace, as a v1 List. Each result carries the "
                + "sweeper's decision; the plan (what sweep --once --dry-run would print) goes to stderr.",
                "Exit code 0 when no result reaches --fail-on, 3 when one does, 1 when the input cannot be read or an "
                        + "object in it cannot be judged."})
public final class AuditCommand implements Callable<Integer> {

    @CommandLine.Mixin(name = "logging")
    LoggingOptions logging;

    public static final int FINDINGS = 3;
    static final long MAX_INPUT_BYTES = 256L * 1024 * 1024;

    /** The lowest result that makes the exit code non-zero. */
    public enum FailOn { FAIL, WARN, NONE }

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE|-", defaultValue = "-",
            description = "The snapshot; - (the default) reads standard input.")
    String file;

    @Option(names = {"-o", "--output"}, defaultValue = "json", paramLabel = "FORMAT",
            description = "json or yaml (default: ${DEFAULT-VALUE}).")
    ReviewCommand.OutputFormat output;

    @Option(names = "--format", defaultValue = "wgpolicy", paramLabel = "FORMAT",
            description = "wgpolicy (wgpolicyk8s.io/v1alpha2 PolicyReport) or openreports (openreports.io/v1alpha1 Report) "
                    + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--fail-on", defaultValue = "fail", paramLabel = "LEVEL",
            description = "fail, warn or none: the result that makes the exit code 3 (default: ${DEFAULT-VALUE}).")
    FailOn failOn;

    @Option(names = "--grace-period", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long after a deadline the controller gets before it counts as not honoured (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--max-results", defaultValue = "" + NamespaceReport.DEFAULT_CAP, paramLabel = "N",
            description = "Results per report at most, failures first; the summary still counts all (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--now", paramLabel = "TIME",
            description = "Judge as of this RFC 3339 time instead of the current time (for reproducible reports).")
    Instant now;

    @Option(names = "--sweep-mode", defaultValue = "enforce", paramLabel = "MODE",
            description = "Judge as a sweeper in this mode would: report, repair or enforce (default: ${DEFAULT-VALUE}).")
    SweepMode mode;

    @Option(names = "--cluster", description = "Read the live cluster instead of a file (standard kubeconfig resolution: "
            + "KUBECONFIG, ~/.kube/config, in-cluster), read-only: list requests only.")
    boolean cluster;

    @Option(names = "--context", paramLabel = "NAME", description = "With --cluster: the kubeconfig context (default: the current one).")
    String context;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
            description = "With --cluster: the namespace to read (default: the context's namespace).")
    String namespace;

    @Option(names = {"-A", "--all-namespaces"}, description = "With --cluster: read every namespace.")
    boolean allNamespaces;

    @CommandLine.Mixin
    GuardedKeysOption guardedKeys;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private AuditInput.Parsed readFile(PrintWriter err) {
        if (context != null || namespace != null || allNamespaces) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--context, --namespace and --all-namespaces go with --cluster");
        }
        byte[] input = InputFile.read(file, MAX_INPUT_BYTES, err, "a cluster snapshot (kubectl get rs,rollouts -A -o json)",
                spec.qualifiedName());
        if (input == null) {
            return null;
        }
        try {
            return AuditInput.parse(input);
        } catch (AuditInput.UnreadableInput e) {
            err.println("error: " + e.getMessage());
            return null;
        }
    }

    private AuditInput.Parsed readCluster(PrintWriter err, List<String> notes) {
        if (spec.commandLine().getParseResult().hasMatchedPositional(0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cluster reads the cluster, not " + file
                    + "; give one or the other");
        }
        if (allNamespaces && namespace != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--namespace and --all-namespaces exclude each other");
        }
        ClusterConnection.Result connection = ClusterConnection.connect(System.getenv(), context);
        if (!connection.connected()) {
            err.println("error: " + connection.problem());
            return null;
        }
        try (KubernetesClient client = connection.client()) {
            String ns = allNamespaces ? null : namespace != null ? namespace
                    : client.getConfiguration().getNamespace() != null ? client.getConfiguration().getNamespace() : "default";
            return LiveSnapshot.read(client, ns, notes);
        } catch (LiveSnapshot.Unreadable e) {
            err.println("error: " + e.getMessage());
            return null;
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ReportFormat reportFormat;
        try {
            reportFormat = ReportFormat.fromFlag(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (maxResults < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-results must be at least 1");
        }
        List<String> notes = new java.util.ArrayList<>();
        AuditInput.Parsed parsed = cluster ? readCluster(err, notes) : readFile(err);
        if (parsed == null) {
            return ExitCodes.FAILURE;
        }
        SweepConfig config = new SweepConfig(guardedKeys.keys(), mode, true, grace, List.of(),
                SweepConfig.ARGO_DEFAULT_SCALE_DOWN_DELAY);
        Audit.Result audit = Audit.run(parsed.replicaSets(), parsed.rollouts(), now == null ? Instant.now() : now, config,
                maxResults);
        Map<String, NamespaceReport> reports = audit.reports();

        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        ArrayNode items = list.putArray("items");
        int pass = 0, fail = 0, warn = 0, error = 0, skip = 0, replicaSets = 0;
        for (NamespaceReport report : reports.values()) {
            items.add(reportFormat.render(report));
            Summary s = report.summary();
            pass += s.pass();
            fail += s.fail();
            warn += s.warn();
            error += s.error();
            skip += s.skip();
            replicaSets += report.replicaSets();
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.print(output.writer().writeValueAsString(list));
        } catch (IOException e) {
            err.println("error: could not print the reports: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        if (output == ReviewCommand.OutputFormat.JSON) {
            out.println();
        }
        out.flush();
        for (String problem : parsed.problems()) {
            err.println("error: " + problem);
        }
        err.printf("audit: %d Argo-managed ReplicaSets in %d namespaces: %d fail, %d warn, %d error, %d pass, %d skip"
                        + "%s%n", replicaSets, reports.size(), fail, warn, error, pass, skip,
                parsed.otherKinds() > 0 ? " (" + parsed.otherKinds() + " objects of other kinds left out)" : "");
        notes.forEach(note -> err.println("note: " + note));
        audit.plan().forEach(line -> err.println("  " + line));
        if (!parsed.problems().isEmpty()) {
            return ExitCodes.FAILURE;
        }
        boolean failing = switch (failOn) {
            case FAIL -> fail > 0 || error > 0;
            case WARN -> fail > 0 || error > 0 || warn > 0;
            case NONE -> false;
        };
        return failing ? FINDINGS : ExitCodes.OK;
    }

}
