package dev.deadlineguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.BadReviewException;
import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.admission.ReviewResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "review", mixinStandardHelpOptions = true,
        description = {"Answer one AdmissionReview offline, exactly as the server would, and print the response review.",
                "Exit code 0 when a response was printed (whatever the verdict), 1 when the input is not an "
                        + "AdmissionReview request."})
public final class ReviewCommand implements Callable<Integer> {

    @CommandLine.Mixin(name = "logging")
    LoggingOptions logging;

    /** Same bound as the server's default body limit. */
    static final long MAX_INPUT_BYTES = 7L * 1024 * 1024;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE|-", defaultValue = "-",
            description = "The AdmissionReview to answer; - (the default) reads standard input.")
    String file;

    @Option(names = "--validate", description = "Give the validating verdict (/validate) instead of the mutating one.")
    boolean validate;

    @Option(names = {"-o", "--output"}, defaultValue = "json", paramLabel = "FORMAT",
            description = "Output format: json or yaml (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Mixin
    PolicyOptions policy;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        byte[] body = InputFile.read(file, MAX_INPUT_BYTES, err, "an AdmissionReview", spec.qualifiedName());
        if (body == null) {
            return ExitCodes.FAILURE;
        }
        AdmissionReviewer reviewer = new AdmissionReviewer(policy.toConfig());
        try {
            ReviewResult result = reviewer.review(validate ? Endpoint.VALIDATE : Endpoint.MUTATE, body);
            JsonNode tree = Json.MAPPER.readTree(result.body());
            PrintWriter out = spec.commandLine().getOut();
            out.print(output.writer().writeValueAsString(tree));
            if (output == OutputFormat.JSON) {
                out.println();
            }
            out.flush();
            err.println(result.review().input().displayName() + ": " + result.caseLabel() + " -> " + result.action());
            return ExitCodes.OK;
        } catch (BadReviewException e) {
            err.println("error: not an AdmissionReview request: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (IOException e) {
            err.println("error: could not print the response: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    /** Output formats of the offline commands. */
    public enum OutputFormat {
        JSON, YAML;

        private static final YAMLMapper YAML_MAPPER = YAMLMapper.builder()
                .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
                // "2" must stay a string: report properties are a map of strings in the CRD.
                .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .build();

        ObjectWriter writer() {
            return this == JSON ? Json.MAPPER.writerWithDefaultPrettyPrinter() : YAML_MAPPER.writer();
        }
    }
}
