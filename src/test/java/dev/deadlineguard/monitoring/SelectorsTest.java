package dev.deadlineguard.monitoring;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SelectorsTest {

    @Test
    void findsMetricNamesAndMatchersButNotFunctionsKeywordsOrGroupingLabels() {
        List<Selectors.Selector> found = Selectors.of(
                "histogram_quantile(0.99, sum by (le, endpoint) (rate(a_bucket{endpoint=~\"$endpoint\"}[$__rate_interval])))"
                        + " and on(pod) b_total{action=\"fail_open\",case!=\"x\"} offset 5m > 14 * 86400 - time()");
        assertThat(found).extracting(Selectors.Selector::metric).containsExactly("a_bucket", "b_total");
        assertThat(found.get(1).matchers()).containsExactly(new Selectors.Matcher1("action", "=", "fail_open"),
                new Selectors.Matcher1("case", "!=", "x"));
    }

    @Test
    void matchesSamplesOfTheExposition() {
        List<Selectors.Sample> samples = Selectors.samples("""
                # HELP b_total x
                b_total{action="fail_open",case="error"} 0.0
                c 1.0
                """);
        assertThat(samples).containsExactly(
                new Selectors.Sample("b_total", Map.of("action", "fail_open", "case", "error")),
                new Selectors.Sample("c", Map.of()));
        Selectors.Selector selector = Selectors.of("b_total{action=~\"fail_open|deny\"}").get(0);
        assertThat(samples.stream().filter(selector::matches)).hasSize(1);
        assertThat(samples.stream().filter(Selectors.of("b_total{action=\"deny\"}").get(0)::matches)).isEmpty();
    }
}
