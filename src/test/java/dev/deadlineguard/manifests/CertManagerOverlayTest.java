package dev.deadlineguard.manifests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cert-manager overlay: inject-ca-from on both webhook configurations names a Certificate that
 * exists, covers every name of the Service and is issued into the Secret the pods mount, by a CA
 * Issuer whose CA is itself a Certificate of this overlay.
 */
class CertManagerOverlayTest {

    static final String INJECT = "cert-manager.io/inject-ca-from";
    static final String API = "cert-manager.io/v1";

    /** Fields cert-manager v1 knows, so that a misspelt one fails here instead of being dropped. */
    static final Set<String> CERTIFICATE_SPEC = Set.of("secretName", "dnsNames", "issuerRef", "isCA", "commonName",
            "duration", "renewBefore", "renewBeforePercentage", "privateKey", "usages", "subject", "secretTemplate",
            "ipAddresses", "uris", "emailAddresses", "keystores", "revisionHistoryLimit", "additionalOutputFormats",
            "literalSubject", "nameConstraints", "encodeUsagesInRequest", "otherNames");
    static final Set<String> PRIVATE_KEY = Set.of("algorithm", "size", "encoding", "rotationPolicy");
    static final Set<String> ISSUER_REF = Set.of("name", "kind", "group");
    static final Set<String> ISSUER_SPEC = Set.of("selfSigned", "ca", "acme", "vault", "venafi");
    static final Set<String> USAGES = Set.of("signing", "digital signature", "content commitment", "key encipherment",
            "key agreement", "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any",
            "server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system",
            "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc");

    final Rendered r = Rendered.of(Kustomize.CERT_MANAGER);

    @Test
    void bothWebhookConfigurationsInjectTheServingCertificatesCa() {
        Map<String, Object> serving = servingCertificate();
        String expected = Maps.at(serving, "metadata", "namespace") + "/" + Maps.at(serving, "metadata", "name");
        for (HasMetadata config : List.of(r.one(MutatingWebhookConfiguration.class),
                r.one(ValidatingWebhookConfiguration.class))) {
            assertThat(config.getMetadata().getAnnotations()).as(config.getKind()).containsEntry(INJECT, expected);
        }
    }

    @Test
    void servingCertificateCoversEveryNameOfTheServiceAndFillsTheMountedSecret() {
        Map<String, Object> serving = servingCertificate();
        Service service = r.one(Service.class);
        String svc = service.getMetadata().getName();
        String ns = service.getMetadata().getNamespace();
        assertThat(Maps.list(serving, "spec", "dnsNames")).containsAll(List.of(
                svc, svc + "." + ns, svc + "." + ns + ".svc", svc + "." + ns + ".svc.cluster.local"));
        assertThat(Maps.at(serving, "spec", "secretName")).isEqualTo(KustomizationsTest.TLS_SECRET)
                .isEqualTo(r.one(Deployment.class).getSpec().getTemplate().getSpec().getVolumes().stream()
                        .filter(v -> v.getSecret() != null).findFirst().orElseThrow().getSecret().getSecretName());
        assertThat(Maps.at(serving, "spec", "isCA")).isNotEqualTo(Boolean.TRUE);
        assertThat(Maps.list(serving, "spec", "usages")).contains("server auth");
    }

    @Test
    void servingCertificateChainsToACaCertificateOfThisOverlay() {
        Map<String, Object> serving = servingCertificate();
        Map<String, Object> caIssuer = issuerOf(serving);
        String caSecret = (String) Maps.at(caIssuer, "spec", "ca", "secretName");
        assertThat(caSecret).as("the serving Certificate's Issuer is a CA Issuer").isNotBlank();

        Map<String, Object> caCertificate = r.certManager("Certificate").stream()
                .filter(c -> caSecret.equals(Maps.at(c, "spec", "secretName"))).findFirst()
                .orElseThrow(() -> new AssertionError("no Certificate issues the CA Secret " + caSecret));
        assertThat(Maps.at(caCertificate, "spec", "isCA")).isEqualTo(Boolean.TRUE);
        assertThat(caSecret).isNotEqualTo(KustomizationsTest.TLS_SECRET);

        Map<String, Object> root = issuerOf(caCertificate);
        assertThat(Maps.map(root, "spec")).containsOnlyKeys("selfSigned");
    }

    @Test
    void everyCertManagerObjectIsWellFormed() {
        assertThat(r.certManager).hasSize(4);
        assertThat(r.certManager("Issuer")).hasSize(2);
        assertThat(r.certManager("Certificate")).hasSize(2);
        for (Map<String, Object> object : r.certManager) {
            String what = object.get("kind") + " " + Maps.at(object, "metadata", "name");
            assertThat(object.get("apiVersion")).as(what).isEqualTo(API);
            assertThat(object).as(what).containsOnlyKeys("apiVersion", "kind", "metadata", "spec");
            assertThat(Maps.at(object, "metadata", "namespace")).as(what).isEqualTo(KustomizationsTest.NAMESPACE);
            Map<String, Object> spec = Maps.map(object, "spec");
            if ("Certificate".equals(object.get("kind"))) {
                assertThat(spec.keySet()).as(what).isSubsetOf(CERTIFICATE_SPEC);
                assertThat(Maps.map(spec, "privateKey").keySet()).as(what).isSubsetOf(PRIVATE_KEY);
                assertThat(Maps.map(spec, "issuerRef").keySet()).as(what).isSubsetOf(ISSUER_REF);
                assertThat(Maps.list(spec, "usages")).as(what).allSatisfy(u -> assertThat(USAGES).contains((String) u));
                assertThat(issuerOf(object)).as(what + " has its Issuer here").isNotNull();
            } else {
                assertThat(spec).as(what).hasSize(1);
                assertThat(spec.keySet()).as(what).isSubsetOf(ISSUER_SPEC);
            }
        }
    }

    @Test
    void variantsWithoutCertManagerHaveNoInjectionAnnotation() {
        // cert-manager's injector would otherwise fight the certs-script over the caBundle.
        for (Path dir : List.of(Kustomize.BASE, Kustomize.SELF_MANAGED, Kustomize.MANIFESTS)) {
            Rendered other = Rendered.of(dir);
            for (HasMetadata config : List.of(other.one(MutatingWebhookConfiguration.class),
                    other.one(ValidatingWebhookConfiguration.class))) {
                Map<String, String> annotations = config.getMetadata().getAnnotations();
                assertThat(annotations == null ? Map.of() : annotations).as(dir + " " + config.getKind())
                        .doesNotContainKey(INJECT);
            }
        }
    }

    /** The Certificate the injection annotation names (the same on both configurations). */
    private Map<String, Object> servingCertificate() {
        String ref = r.one(MutatingWebhookConfiguration.class).getMetadata().getAnnotations().get(INJECT);
        assertThat(ref).isNotNull().contains("/");
        String[] parts = ref.split("/", 2);
        Map<String, Object> certificate = r.certManager("Certificate", parts[0], parts[1]);
        assertThat(certificate).as("Certificate " + ref).isNotNull();
        return certificate;
    }

    private Map<String, Object> issuerOf(Map<String, Object> certificate) {
        Map<String, Object> ref = Maps.map(certificate, "spec", "issuerRef");
        assertThat(ref.getOrDefault("kind", "Issuer")).isEqualTo("Issuer");
        assertThat(ref.getOrDefault("group", "cert-manager.io")).isEqualTo("cert-manager.io");
        Map<String, Object> issuer = r.certManager("Issuer", (String) Maps.at(certificate, "metadata", "namespace"),
                (String) ref.get("name"));
        assertThat(issuer).as("Issuer " + ref.get("name")).isNotNull();
        return issuer;
    }
}
