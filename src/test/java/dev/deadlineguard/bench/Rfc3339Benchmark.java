package dev.deadlineguard.bench;

import dev.deadlineguard.core.Rfc3339;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Rfc3339.parse, called for every guarded key of both objects on every review. Run with
 * {@code bench/rfc3339.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class Rfc3339Benchmark {

    @Param({"2024-08-01T15:13:36Z", "2000-02-29T23:59:59.123456789+05:30", "2024-08-01 15:13:36", "tomorrow"})
    public String value;

    @Benchmark
    public Optional<Instant> parse() {
        return Rfc3339.parse(value);
    }
}
