package dev.deadlineguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.admission.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The AdmissionReview samples shipped in {@code samples/}. */
public final class Samples {

    public static final Path DIR = Path.of("samples");

    private Samples() {
    }

    public static Path path(String name) {
        return DIR.resolve(name.endsWith(".json") ? name : name + ".json");
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        try {
            return Json.MAPPER.readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
