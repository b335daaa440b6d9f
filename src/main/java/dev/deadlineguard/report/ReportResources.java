package dev.deadlineguard.report;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The report CRDs as generic resources (their CRDs are not ours to ship). */
public final class ReportResources {

    private ReportResources() {
    }

    public static ResourceDefinitionContext of(ReportFormat format) {
        String[] gv = format.apiVersion().split("/");
        return new ResourceDefinitionContext.Builder()
                .withGroup(gv[0]).withVersion(gv[1]).withKind(format.kind())
                .withPlural(format == ReportFormat.WGPOLICY ? "policyreports" : "reports")
                .withNamespaced(true)
                .build();
    }
}
