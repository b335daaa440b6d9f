package dev.deadlineguard.logging;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deadlineguard.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LoggingTest {

    private static final Logger LOG = LoggerFactory.getLogger("dev.deadlineguard.sweep.Sweeper");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void backToText() {
        Logging.configure(LogFormat.TEXT, Level.INFO);
    }

    private List<String> lines(int atLeast) {
        Eventually.until(atLeast + " log lines", Duration.ofSeconds(10), () -> text().lines().count() >= atLeast);
        return text().lines().toList();
    }

    private synchronized String text() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void jsonLinesCarryTheKeyValuePairsAsTopLevelFields() throws Exception {
        Logging.configure(LogFormat.JSON, Level.INFO, out);
        LOG.atInfo().addKeyValue("namespace", "shop").addKeyValue("replicaset", "checkout-6d8f7b9c4d")
                .addKeyValue("uid", "5f1c-7a").addKeyValue("case", "blanked").addKeyValue("action", "repair")
                .log("repaired scale-down-deadline on ReplicaSet {}/{}", "shop", "checkout-6d8f7b9c4d");

        List<String> lines = lines(1);
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.path("message").asText()).isEqualTo("repaired scale-down-deadline on ReplicaSet shop/checkout-6d8f7b9c4d");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("logger_name").asText()).isEqualTo("dev.deadlineguard.sweep.Sweeper");
        assertThat(line.path("namespace").asText()).isEqualTo("shop");
        assertThat(line.path("replicaset").asText()).isEqualTo("checkout-6d8f7b9c4d");
        assertThat(line.path("uid").asText()).isEqualTo("5f1c-7a");
        assertThat(line.path("case").asText()).isEqualTo("blanked");
        assertThat(line.path("action").asText()).isEqualTo("repair");
        assertThat(line.path("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}.*");
    }

    @Test
    void textLinesStayOneReadableLinePerEvent() {
        Logging.configure(LogFormat.TEXT, Level.INFO, out);
        LOG.atWarn().addKeyValue("namespace", "shop").log("stuck ReplicaSet {}", "shop/checkout");
        LOG.debug("not at info");
        LOG.info("second");

        List<String> lines = lines(2);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} \\[WARN] Sweeper - stuck ReplicaSet shop/checkout");
        assertThat(lines.get(1)).endsWith(" [INFO] Sweeper - second");
    }

    @Test
    void theLevelFiltersAndJettyStaysQuietBelowWarn() {
        Logging.configure(LogFormat.TEXT, Level.DEBUG, out);
        LOG.debug("a debug line");
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").info("jetty chatter");
        LOG.info("the end");
        List<String> lines = lines(2);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).endsWith("[DEBUG] Sweeper - a debug line");
        assertThat(lines.get(1)).endsWith("[INFO] Sweeper - the end");
    }
}
