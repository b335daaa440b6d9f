package dev.deadlineguard.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * Renders a {@link NamespaceReport} as a {@code wgpolicyk8s.io/v1alpha2 PolicyReport} or an OpenReports
 * {@code openreports.io/v1alpha1 Report}: the one place that knows the CRDs' field names.
 */
public enum ReportFormat {
    WGPOLICY("wgpolicyk8s.io/v1alpha2", "PolicyReport"),
    OPENREPORTS("openreports.io/v1alpha1", "Report");

    public static final String NAME = "deadline-guard";
    public static final String SOURCE = "deadline-guard";
    public static final String POLICY = "scale-down-deadline";
    public static final String CATEGORY = "Argo Rollouts";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String TRUNCATED_ANNOTATION = "deadline-guard.dev/truncated";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String apiVersion;
    private final String kind;

    ReportFormat(String apiVersion, String kind) {
        this.apiVersion = apiVersion;
        this.kind = kind;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public String kind() {
        return kind;
    }

    public static ReportFormat fromFlag(String flag) {
        return switch (flag.toLowerCase(Locale.ROOT)) {
            case "wgpolicy", "policyreport" -> WGPOLICY;
            case "openreports", "report" -> OPENREPORTS;
            default -> throw new IllegalArgumentException("unknown report format '" + flag + "'; expected wgpolicy or openreports");
        };
    }

    public ObjectNode render(NamespaceReport report) {
        ObjectNode root = NODES.objectNode();
        root.put("apiVersion", apiVersion);
        root.put("kind", kind);
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("name", NAME);
        metadata.put("namespace", report.namespace());
        metadata.putObject("labels").put(MANAGED_BY, SOURCE);
        if (report.truncated()) {
            metadata.putObject("annotations").put(TRUNCATED_ANNOTATION,
                    report.results().size() + " of " + report.total() + " results shown; the summary counts all");
        }
        if (this == OPENREPORTS) {
            root.put("source", SOURCE);
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("pass", report.summary().pass());
        summary.put("fail", report.summary().fail());
        summary.put("warn", report.summary().warn());
        summary.put("error", report.summary().error());
        summary.put("skip", report.summary().skip());
        ArrayNode results = root.putArray("results");
        for (Finding f : report.results()) {
            results.add(result(f));
        }
        return root;
    }

    private static ObjectNode result(Finding f) {
        ObjectNode r = NODES.objectNode();
        r.put("source", SOURCE);
        r.put("policy", POLICY);
        r.put("rule", f.rule().wire());
        r.put("category", CATEGORY);
        r.put("severity", f.rule().severity());
        r.put("result", f.result().wire());
        r.put("scored", true);
        r.put("message", f.message());
        ObjectNode timestamp = r.putObject("timestamp");
        timestamp.put("seconds", f.timestamp().getEpochSecond());
        timestamp.put("nanos", f.timestamp().getNano());
        ObjectNode resource = r.putArray("resources").addObject();
        resource.put("apiVersion", "apps/v1");
        resource.put("kind", "ReplicaSet");
        resource.put("namespace", f.namespace());
        resource.put("name", f.name());
        if (f.uid() != null) {
            resource.put("uid", f.uid());
        }
        ObjectNode properties = r.putObject("properties");
        f.properties().forEach(properties::put);
        return r;
    }
}
