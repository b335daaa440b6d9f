package dev.deadlineguard.cli;

import dev.deadlineguard.core.Rfc3339;
import picocli.CommandLine;

import java.time.Instant;

/** Reads an instant as RFC 3339, the same format as the deadline annotation. */
final class InstantConverter implements CommandLine.ITypeConverter<Instant> {

    static final String EXPECTED = "expected an RFC 3339 instant like 2024-08-01T15:13:36Z";

    @Override
    public Instant convert(String value) {
        return Rfc3339.parse(value.strip()).orElseThrow(() -> new CommandLine.TypeConversionException(EXPECTED));
    }
}
