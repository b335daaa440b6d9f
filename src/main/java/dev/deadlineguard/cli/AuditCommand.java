package dev.deadlineguard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deadlineguard.report.Audit;
import dev.deadlineguard.report.AuditInput;
import dev.deadlineguard.report.NamespaceReport;
import dev.deadlineguard.report.ReportFormat;
import dev.deadlineguard.report.Summary;
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
        description = {"Read a snapshot of the cluster (kubectl get rs,rollouts -A -o json, or -o yaml) and print policy "
                + "reports for every Argo-managed ReplicaSet: one per namespace, as a v1 List.",
                "Exit code 0 when no result reaches --fail-on, 3 when one does, 1 when the input cannot be read or an "
                        + "object in it cannot be judged."})
public final class AuditCommand implements Callable<Integer> {

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

    @CommandLine.Mixin
    GuardedKeysOption guardedKeys;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
        byte[] input = InputFile.read(file, MAX_INPUT_BYTES, err, "a cluster snapshot (kubectl get rs,rollouts -A -o json)",
                spec.qualifiedName());
        if (input == null) {
            return ExitCodes.FAILURE;
        }
        AuditInput.Parsed parsed;
        try {
            parsed = AuditInput.parse(input);
        } catch (AuditInput.UnreadableInput e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        Map<String, NamespaceReport> reports = Audit.run(parsed, now == null ? Instant.now() : now, grace, guardedKeys.keys(), maxResults);

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
