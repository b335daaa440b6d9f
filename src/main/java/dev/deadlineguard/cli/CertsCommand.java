package dev.deadlineguard.cli;

import dev.deadlineguard.tls.CertificateDirectory;
import dev.deadlineguard.tls.CertificateGenerator;
import dev.deadlineguard.tls.CertificatePurpose;
import dev.deadlineguard.tls.CertificateRequest;
import dev.deadlineguard.tls.KeyType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

@Command(name = "certs", mixinStandardHelpOptions = true,
        description = {"Generate a CA and a serving certificate for the webhook Service and write them as PEM files "
                + "(ca.crt, ca.key, tls.crt, tls.key; keys mode 0600) and a generated-by file that marks them as the cluster's.",
                "Safe to run again: a CA in DIR is reused, and a serving certificate that is signed by it, matches its key, "
                        + "has every SAN and does not expire within --renew-before is kept unless --force."})
public final class CertsCommand implements Callable<Integer> {

    @CommandLine.Mixin(name = "logging")
    LoggingOptions logging;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    @Option(names = "--service", required = true, paramLabel = "NAME", description = "The webhook Service's name.")
    String service;

    @Option(names = "--namespace", required = true, paramLabel = "NS", description = "The Service's namespace.")
    String namespace;

    @Option(names = "--out", defaultValue = "certs", paramLabel = "DIR",
            description = "Directory to write into (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--key-type", defaultValue = "ecdsa-p256", paramLabel = "TYPE", converter = KeyTypeConverter.class,
            description = "ecdsa-p256, rsa-2048 or rsa-3072 (default: ${DEFAULT-VALUE}).")
    KeyType keyType;

    @Option(names = "--days", defaultValue = "365", paramLabel = "DAYS",
            description = "Validity of the serving certificate (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--ca-days", defaultValue = "3650", paramLabel = "DAYS",
            description = "Validity of a new CA (default: ${DEFAULT-VALUE}).")
    int caDays;

    @Option(names = "--renew-before", defaultValue = "30d", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Reissue a serving certificate that expires within this time (default: ${DEFAULT-VALUE}).")
    Duration renewBefore;

    @Option(names = "--extra-san", split = ",", paramLabel = "NAME",
            description = "More DNS names or IP addresses for the serving certificate.")
    List<String> extraSans;

    @Option(names = "--force", description = "Reissue the serving certificate even when the existing one is fine; also "
            + "needed to replace the local try-out certificates that serve generated in DIR.")
    boolean force;

    @Option(names = "--new-ca", description = "Make a new CA (every caBundle must then be updated).")
    boolean newCa;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (String[] label : new String[][] {{"--service", service}, {"--namespace", namespace}}) {
            if (!DNS_LABEL.matcher(label[1]).matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        label[0] + " '" + label[1] + "' is not a valid DNS label (lower case letters, digits and '-', at most 63)");
            }
        }
        if (days <= 0 || caDays <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--days and --ca-days must be positive");
        }
        FileOptions.requireDirectoryOrAbsent(spec.commandLine(), "--out", out);
        List<String> sans = CertificateGenerator.serviceNames(service, namespace, extraSans == null ? List.of() : extraSans);
        CertificateRequest request = new CertificateRequest(sans, keyType, Duration.ofDays(days), Duration.ofDays(caDays),
                renewBefore, force, newCa);
        boolean replacingTryOut = CertificatePurpose.of(out).orElse(null) == CertificatePurpose.LOCAL_TRY_OUT;
        if (replacingTryOut && !force) {
            throw new CertificatePurpose.Conflict(out + " holds " + CertificatePurpose.LOCAL_TRY_OUT.description()
                    + "; the cluster's certificates go elsewhere (the default --out is certs), or pass --force to replace them");
        }
        CertificateDirectory directory = new CertificateDirectory(out, Clock.systemUTC());
        CertificateDirectory.Outcome outcome;
        try {
            outcome = directory.ensure(request);
        } catch (java.security.GeneralSecurityException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        CertificatePurpose.CLUSTER.record(out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(word(outcome.ca()) + " " + outcome.caInfo().summary(directory.caCert().toString()));
        stdout.println(word(outcome.serving()) + " " + outcome.servingInfo().summary(directory.tlsCert().toString()));
        stdout.flush();
        for (String reason : outcome.reasons()) {
            spec.commandLine().getErr().println("note: " + reason);
        }
        if (replacingTryOut) {
            spec.commandLine().getErr().println("note: replaced " + CertificatePurpose.LOCAL_TRY_OUT.description() + " in " + out
                    + " (--force)");
        }
        return ExitCodes.OK;
    }

    private static String word(CertificateDirectory.Action action) {
        return action == CertificateDirectory.Action.ISSUED ? "issued" : "kept  ";
    }

    static final class KeyTypeConverter implements CommandLine.ITypeConverter<KeyType> {
        @Override
        public KeyType convert(String value) {
            try {
                return KeyType.fromFlag(value);
            } catch (IllegalArgumentException e) {
                // "unknown key type 'x'; expected one of ...": the value is already named by the handler
                String message = e.getMessage();
                throw new CommandLine.TypeConversionException(message.substring(message.indexOf("expected")));
            }
        }
    }
}
