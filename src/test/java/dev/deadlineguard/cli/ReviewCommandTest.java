package dev.deadlineguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.admission.AdmissionReviewer;
import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.testing.Samples;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReviewCommandTest {

    record Run(int exitCode, String out, String err) {
    }

    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setDefaultValueProvider(new EnvironmentDefaults(env));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run run(String... args) {
        return run(Map.of(), args);
    }

    @Test
    void printsTheSameResponseAsTheServer() throws Exception {
        Run mutate = run("review", "samples/04-blanked.json");
        Run validate = run("review", "--validate", "samples/04-blanked.json");

        AdmissionReviewer reviewer = new AdmissionReviewer(GuardConfig.defaults());
        assertThat(mutate.exitCode()).isZero();
        assertThat(Json.MAPPER.readTree(mutate.out()))
                .isEqualTo(Json.MAPPER.readTree(reviewer.review(Endpoint.MUTATE, Samples.bytes("04-blanked")).body()));
        assertThat(mutate.out()).startsWith("{\n  \"apiVersion\" : \"admission.k8s.io/v1\",");
        assertThat(mutate.err()).isEqualTo("shop/checkout-6d8f7b9c4d: blanked -> patch\n");
        assertThat(validate.exitCode()).isZero();
        assertThat(Json.MAPPER.readTree(validate.out()))
                .isEqualTo(Json.MAPPER.readTree(reviewer.review(Endpoint.VALIDATE, Samples.bytes("04-blanked")).body()));
        assertThat(validate.err()).isEqualTo("shop/checkout-6d8f7b9c4d: blanked -> deny\n");
    }

    @Test
    void readsStandardInputAndWritesYaml() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Samples.bytes("10-dropped-by-other")));
            Run run = run("review", "-", "--validate", "-o", "yaml");

            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).startsWith("apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nresponse:\n")
                    .contains("  allowed: false\n")
                    .contains("    code: 403\n");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void policyOptionsComeFromFlagsOrTheEnvironment() throws Exception {
        Run flag = run("review", "--validate", "--validate-mode", "warn", "samples/04-blanked.json");
        Run env = run(Map.of("DEADLINE_GUARD_VALIDATE_MODE", "warn"), "review", "--validate", "samples/04-blanked.json");
        Run keys = run(Map.of("DEADLINE_GUARD_GUARDED_KEY", "example.com/deadline,other"), "review", "samples/04-blanked.json");
        Run controller = run("review", "--controller-username", "someone-else", "samples/09-dropped-by-controller.json");

        for (Run warn : new Run[] {flag, env}) {
            JsonNode response = Json.MAPPER.readTree(warn.out()).get("response");
            assertThat(response.get("allowed").asBoolean()).isTrue();
            assertThat(response.get("warnings").get(0).asText()).contains("would deny this in enforce mode");
        }
        assertThat(keys.err()).isEqualTo("shop/checkout-6d8f7b9c4d: absent -> allow\n");
        assertThat(controller.err()).isEqualTo("shop/checkout-6d8f7b9c4d: dropped -> patch\n");
    }

    @Test
    void badInputSaysWhyAndExitsOne() {
        Run missing = run("review", "no-such-file.json");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEqualTo("error: no such file: no-such-file.json\n");

        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("{".getBytes()));
            Run garbage = run("review");
            assertThat(garbage.exitCode()).isEqualTo(1);
            assertThat(garbage.out()).isEmpty();
            assertThat(garbage.err()).isEqualTo("error: not an AdmissionReview request: "
                    + "request body is not valid JSON at line 1, column 2: the input ends early (truncated?)\n");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void usageErrorsExitTwo() {
        Run run = run("review", "--output", "xml", "samples/04-blanked.json");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: invalid value 'xml' for --output: expected one of json, yaml\n"
                + "see 'deadline-guard review --help'\n");
    }

    @Test
    void environmentVariableNames() {
        assertThat(EnvironmentDefaults.variableFor("--port")).isEqualTo("DEADLINE_GUARD_PORT");
        assertThat(EnvironmentDefaults.variableFor("--tls-cert-file")).isEqualTo("DEADLINE_GUARD_TLS_CERT_FILE");
    }
}
