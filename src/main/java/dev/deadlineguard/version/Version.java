package dev.deadlineguard.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The product's version, from the pom ({@code version.properties} is filtered by Maven), so that
 * {@code --version}, the {@code deadline_guard_build_info} metric, the image tag and the chart agree.
 */
public final class Version {

    private static final String CURRENT = load();

    private Version() {
    }

    /** For example {@code 0.1.0}. */
    public static String current() {
        return CURRENT;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties", e);
        }
    }
}
